import HexEncoding

/// Which merge logs the central's log continues, and how far it shares each of them.
///
/// A central restored from a backup holds the backup's log — positions 1 … R of the log it was
/// taken from — and appends new records after R. Positions past R in the old log and in the new
/// one are different records, so a cursor counted in the old log is only good up to R. Each
/// restore gives the log a new identity and notes the old one with R; a cursor from any earlier
/// log of the line is then read as the lowest shared position on the way, and a cursor from a
/// log the central never was (another branch, a foreign central) is read as 0. Pure.
public struct LogLineage: Equatable, Sendable {
    /// One earlier log and the last position the log after it shares with it.
    public struct Ancestor: Equatable, Sendable {
        public let log: UInt64
        public let sharedThrough: UInt64

        public init(log: UInt64, sharedThrough: UInt64) {
            self.log = log
            self.sharedThrough = sharedThrough
        }
    }

    public let current: UInt64
    /// Oldest first.
    public let ancestors: [Ancestor]

    public init(current: UInt64, ancestors: [Ancestor] = []) {
        self.current = current
        self.ancestors = ancestors
    }

    /// The cursor a node holds in `log`, read in the current log, and whether it had to be
    /// moved back (the node may hold records the central lost). Log 0 is what a node that never
    /// learned a log id sends: the line's first log, the only one there was before ids.
    public func translate(log: UInt64, cursor: UInt64) -> (cursor: UInt64, movedBack: Bool) {
        let log = log == 0 ? (ancestors.first?.log ?? current) : log
        if log == current { return (cursor, false) }
        guard let start = ancestors.firstIndex(where: { $0.log == log }) else { return (0, cursor > 0) }
        let shared = ancestors[start...].map(\.sharedThrough).min() ?? 0
        return cursor <= shared ? (cursor, false) : (shared, true)
    }

    /// The lineage after a restore into a new log `log`, of a backup whose log ended at `end`.
    public func restored(as log: UInt64, backupEnd end: UInt64) -> LogLineage {
        LogLineage(current: log, ancestors: ancestors + [Ancestor(log: current, sharedThrough: end)])
    }

    /// `id:through` pairs, oldest first, comma-separated (as `central_config` keeps it).
    public var ancestorsText: String {
        ancestors.map { "\(Hex.encode($0.log)):\($0.sharedThrough)" }.joined(separator: ",")
    }

    public init?(current: UInt64, ancestorsText: String) {
        var ancestors: [Ancestor] = []
        for pair in ancestorsText.split(separator: ",") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let log = UInt64(parts[0], radix: 16), let through = UInt64(parts[1]) else { return nil }
            ancestors.append(Ancestor(log: log, sharedThrough: through))
        }
        self.init(current: current, ancestors: ancestors)
    }
}
