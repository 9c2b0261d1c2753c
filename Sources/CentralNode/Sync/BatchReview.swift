import MergeCore

/// One change: the records a node wrote with one timestamp (one operation on a laptop — a
/// result with its note and author, a status move with the note it records). The rules that
/// span fields (a step and its note, a result and its author) read the rest of it here.
struct Change {
    let records: [MergeRecord]
    /// What the batch around this change says of a value a `seen` names: held (accepted
    /// earlier in the batch), refused earlier in it, or nil when the batch does not have it.
    var seen: (FieldID, Timestamp) -> SeenValue? = { _, _ in nil }

    /// The record of this change for `field` of the member `key`.
    func record(of field: String, key: String) -> MergeRecord? {
        records.first { $0.key == key && $0.field == field }
    }

    func value(of field: String, key: String) -> MergeValue? {
        record(of: field, key: key)?.value
    }
}

enum SeenValue {
    case held(MergeValue)
    case refused
}

/// Judges a batch change by change, in the order the batch holds them, so that a change may
/// build on one before it in the same batch (a finding moved twice while offline). A change
/// stands or falls whole: applying half an operation (a result without its author, a move
/// without its note) would show the auditor something they never wrote. Pure.
enum BatchReview {
    /// The refusal of each refused record, by its index in `records`.
    static func refusals(of records: [MergeRecord],
                         judge: (MergeRecord, Change) -> RecordRefusal?) -> [Int: RecordRefusal] {
        var order: [Timestamp] = []
        var members: [Timestamp: [Int]] = [:]
        for (index, record) in records.enumerated() {
            if members[record.timestamp] == nil { order.append(record.timestamp) }
            members[record.timestamp, default: []].append(index)
        }
        var held: [FieldID: [Timestamp: MergeValue]] = [:]
        var refused: [FieldID: Set<Timestamp>] = [:]
        var refusals: [Int: RecordRefusal] = [:]
        for stamp in order {
            let indices = members[stamp]!
            var change = Change(records: indices.map { records[$0] })
            change.seen = { field, seen in
                if let value = held[field]?[seen] { return .held(value) }
                return refused[field]?.contains(seen) == true ? .refused : nil
            }
            let own = indices.compactMap { index in judge(records[index], change).map { (index, $0) } }
            // A final refusal decides for the whole change; only a change refused for nothing
            // but what the central lacks yet is sent again.
            guard let (causeIndex, cause) = own.first(where: { !$0.1.retryLater }) ?? own.first else {
                for record in change.records { held[record.fieldID, default: [:]][stamp] = record.value }
                continue
            }
            for index in indices {
                let reason = own.first { $0.0 == index }?.1.reason
                    ?? "refused with the rest of its change (\(records[causeIndex].field): \(cause.reason))"
                refusals[index] = RecordRefusal(reason, retryLater: cause.retryLater)
                refused[records[index].fieldID, default: []].insert(stamp)
            }
        }
        return refusals
    }
}
