/// The merge rule of one field.
///
/// A field is a last-writer-wins register by timestamp that also remembers concurrent writes:
/// - the **winner** is the record with the greatest timestamp;
/// - a record is **superseded** when another record of the field lists it in `seen` — its writer
///   had it on screen and overwrote it;
/// - every other record is a **conflict**: a concurrent write that lost, listed until someone
///   resolves it with a new write (which then lists it in `seen`).
///
/// All three are functions of the set of records alone, so replicas holding the same records
/// agree whatever the order of delivery. A superseding record always has a greater timestamp than
/// what it supersedes (its writer's clock had moved past it), so the winner is never superseded.
public enum MergeRule {
    /// The identity of a record and what it saw: all the rule needs.
    public struct Stamp: Equatable, Sendable {
        public let timestamp: Timestamp
        public let seen: [Timestamp]

        public init(timestamp: Timestamp, seen: [Timestamp]) {
            self.timestamp = timestamp
            self.seen = seen
        }
    }

    /// The winner and the conflicts (oldest first) among a field's records, given in any order.
    public static func resolve(_ stamps: [Stamp]) -> (winner: Timestamp, conflicts: [Timestamp])? {
        guard let winner = stamps.max(by: { $0.timestamp < $1.timestamp })?.timestamp else { return nil }
        var superseded = Set<Timestamp>()
        for stamp in stamps { superseded.formUnion(stamp.seen) }
        let conflicts = stamps.lazy.map(\.timestamp)
            .filter { $0 != winner && !superseded.contains($0) }
            .sorted()
        return (winner, conflicts)
    }
}
