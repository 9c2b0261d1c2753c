import Foundation
import MergeCore
import ReplicaStore

/// A laptop whose clock ran ahead and was corrected. New work follows the corrected clock by
/// itself (the replica's clock comes back from running ahead); what was stamped ahead meanwhile
/// would be refused by every peer until real time caught up. Records no other node holds — never
/// sent, or sent and only postponed by the central — are re-stamped here, so they sync at once;
/// a record another node holds keeps its stamp and waits (a later sync says so).
extension FieldNode {
    /// Re-stamps this laptop's own records that are stamped beyond what its clock allows and that
    /// no other node holds. Cheap when there is nothing to do: it reads only the records never
    /// sent and the postponed ones.
    @discardableResult
    public func repairClockIfAhead() throws -> [Restamp] {
        // Never sent: past the furthest push, and past the push position (which moves over
        // received records only when none of this node's own lie in between).
        let sent = max(try config(Self.sentKey).flatMap(Int64.init) ?? 0, try config(Self.pushedKey).flatMap(Int64.init) ?? 0)
        var candidates = try store.lastLocalSequence() > sent ? store.ownRecordsAhead(after: sent).map(\.sequence) : []
        let postponed = try postponedRecords().filter { $0 <= sent }
        if !postponed.isEmpty {
            let limit = store.now() &+ store.clock.maxSkewMilliseconds
            candidates += zip(postponed, try store.records(at: postponed))
                .filter { $0.1.timestamp.node == node && $0.1.timestamp.milliseconds > limit }.map(\.0)
        }
        guard !candidates.isEmpty else { return [] }
        return try store.restampOwnRecords(candidates)
    }

    /// This laptop's records the central postponed (its clock was ahead), by log position.
    func postponedRecords() throws -> [Int64] {
        let query = try database.prepare("SELECT seq FROM postponed_records ORDER BY seq")
        var sequences: [Int64] = []
        try query.forEachRow { sequences.append($0.int64(0)) }
        return sequences
    }
}
