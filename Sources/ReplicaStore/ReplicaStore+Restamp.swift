import MergeCore
import SQLiteKit

/// One record this node re-stamped: where it is in the log, and its stamp before and after.
public struct Restamp: Equatable, Sendable {
    public let sequence: Int64
    public let old: Timestamp
    public let new: Timestamp
}

extension ReplicaStore {
    /// Gives this node's own records at `sequences` new stamps from the clock as it is now:
    /// records written while the wall clock ran ahead, that no other node has received (the
    /// caller's promise — a record nobody has seen can be re-stamped without anyone noticing).
    ///
    /// In log order, each change (the records of one stamp) is stamped once, after what its
    /// records saw (with the stamps of re-stamped records put in, so a later write that saw an
    /// earlier one still supersedes it); each log row keeps its position, and its field's state
    /// is resolved again (it may now lose to a teammate's concurrent write its run-ahead clock
    /// used to beat, and become a conflict).
    /// The old and new stamps are kept in `restamped`, so the trail says what happened. One
    /// transaction: all of them or none.
    @discardableResult
    public func restampOwnRecords(_ sequences: [Int64]) throws -> [Restamp] {
        try storageTransaction {
            clock.comeBack(now: now())
            var renamed: [Timestamp: Timestamp] = [:]
            var done: [Restamp] = []
            let rows = try sequences.sorted().compactMap { sequence in
                try records(after: sequence - 1, limit: 1).first.flatMap { $0.sequence == sequence ? $0 : nil }
            }
            // The records of one change (one stamp, next to each other in the log) keep one
            // stamp: the central judges a change whole — a result with its author, a status
            // move with its note — so a change re-stamped record by record would fall apart.
            var start = 0
            while start < rows.count {
                let old = rows[start].record.timestamp
                let end = rows[start...].firstIndex { $0.record.timestamp != old } ?? rows.count
                let change = rows[start..<end]
                let seen = change.map { $0.record.seen.map { renamed[$0] ?? $0 } }
                let stamp = tick(after: seen.joined().max())
                renamed[old] = stamp
                for ((sequence, record), seen) in zip(change, seen) {
                    precondition(record.timestamp.node == node, "only this node's own records are re-stamped")
                    try rewriteLogRow(sequence, stamp: stamp, seen: seen)
                    try restate(record.fieldID, renaming: record.timestamp, to: stamp, seen: seen)
                    try noteRestamp(sequence, old: record.timestamp, new: stamp)
                    done.append(Restamp(sequence: sequence, old: record.timestamp, new: stamp))
                }
                start = end
            }
            // Their bytes changed: the runs holding them are sealed again, as they now are.
            try resealOwn(after: done.map(\.sequence))
            try persistClock()
            return done
        }
    }

    /// Every re-stamp this replica made, oldest first.
    public func restamps() throws -> [Restamp] {
        let query = try cachedStatement("SELECT seq, old_clock, new_clock FROM restamped ORDER BY rowid")
        var result: [Restamp] = []
        try query.forEachRow { row in
            result.append(Restamp(sequence: row.int64(0), old: Timestamp(packedClock: row.int64(1), node: node),
                                  new: Timestamp(packedClock: row.int64(2), node: node)))
        }
        return result
    }

    private func rewriteLogRow(_ sequence: Int64, stamp: Timestamp, seen: [Timestamp]) throws {
        let update = try cachedStatement("UPDATE merge_log SET clock = ?2, seen = ?3 WHERE seq = ?1")
        update.bind(1, sequence)
        update.bind(2, stamp.packedClock)
        if let encoded = SeenEncoding.encode(seen) { update.bind(3, blob: encoded) } else { update.bindNull(3) }
        try update.run()
    }

    /// The field's state with one record's identity changed, resolved again from its index.
    private func restate(_ field: FieldID, renaming old: Timestamp, to new: Timestamp, seen: [Timestamp]) throws {
        guard let state = try readState(field), let entry = state.index.entry(old) else {
            throw ReplicaError.notADatabase(path: database.path)
        }
        var entries = state.index.entries.filter { $0.timestamp != old }
        entries = entries.map { other in
            FieldIndex.Entry(timestamp: other.timestamp, sequence: other.sequence, seen: other.seen.map { $0 == old ? new : $0 })
        }
        var index = FieldIndex(entries: entries)
        index.insert(FieldIndex.Entry(timestamp: new, sequence: entry.sequence, seen: seen))
        let resolution = index.resolution!
        guard let winner = index.entry(resolution.winner) else { throw ReplicaError.notADatabase(path: database.path) }
        let value = try loggedRecord(sequence: winner.sequence).value
        scratch.value.removeAll()
        value.encode(into: &scratch.value)
        let update = statements.updateWinner
        bindField(update, field)
        update.bind(4, blob: scratch.value.bytes)
        update.bind(5, resolution.winner.packedClock)
        update.bind(6, Int64(bitPattern: resolution.winner.node.rawValue))
        update.bind(7, resolution.conflicts.count)
        update.bind(8, blob: index.encoded())
        try update.run()
    }

    private func noteRestamp(_ sequence: Int64, old: Timestamp, new: Timestamp) throws {
        let insert = try cachedStatement("""
            INSERT INTO restamped(seq, old_clock, new_clock, at) VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            """)
        insert.bind(1, sequence)
        insert.bind(2, old.packedClock)
        insert.bind(3, new.packedClock)
        try insert.run()
    }

    /// This node's own records after log position `after` stamped beyond what the wall clock
    /// allows now (further ahead than the skew bound): what a run-ahead clock left behind.
    public func ownRecordsAhead(after: Int64) throws -> [(sequence: Int64, record: MergeRecord)] {
        let limit = Timestamp(milliseconds: min(now() &+ clock.maxSkewMilliseconds, Timestamp.maxMilliseconds),
                              counter: .max, node: node)
        let query = try cachedStatement("SELECT seq FROM merge_log WHERE seq > ?1 AND node = ?2 AND clock > ?3 ORDER BY seq")
        query.bind(1, after)
        query.bind(2, Int64(bitPattern: node.rawValue))
        query.bind(3, limit.packedClock)
        var sequences: [Int64] = []
        try query.forEachRow { sequences.append($0.int64(0)) }
        return try sequences.map { ($0, try loggedRecord(sequence: $0)) }
    }

    /// Whether the saved clock is further ahead of the wall clock than the skew bound.
    public var clockIsAhead: Bool { clock.isAhead(now: now()) }
}
