/// The whole-history model of one field: every record it received, with the winner, conflicts
/// and superseded records derived by `MergeRule`. This is the specification the replica store is
/// checked against, and the shape of a field's history.
public struct FieldRegister: Sendable {
    public private(set) var records: [Timestamp: MergeRecord] = [:]

    public init<S: Sequence>(_ records: S) where S.Element == MergeRecord {
        for record in records { self.records[record.timestamp] = record }
    }

    public mutating func insert(_ record: MergeRecord) {
        records[record.timestamp] = record
    }

    private var resolution: (winner: Timestamp, conflicts: [Timestamp])? {
        MergeRule.resolve(records.values.map { MergeRule.Stamp(timestamp: $0.timestamp, seen: $0.seen) })
    }

    public var winner: MergeRecord? {
        resolution.flatMap { records[$0.winner] }
    }

    /// Concurrent writes that lost and that no later writer has seen, oldest first.
    public var conflicts: [MergeRecord] {
        (resolution?.conflicts ?? []).compactMap { records[$0] }
    }

    /// For a record that is neither winner nor conflict, the earliest later record whose writer
    /// had seen it.
    public func supersedingRecord(of stamp: Timestamp) -> MergeRecord? {
        records.values.filter { $0.seen.contains(stamp) }.min { $0.timestamp < $1.timestamp }
    }
}
