import MergeCore
import RecordSeals
import SQLiteKit

/// What applying a batch did.
public struct ApplyReport: Equatable, Sendable {
    /// Records new to this replica, now in its log.
    public var applied = 0
    /// Records it already had: applying them changed nothing.
    public var duplicates = 0
    /// Applied records that lost to a concurrent write and are listed as conflicts.
    public var conflicts = 0
    /// Records refused, each with the reason; the rest of the batch was applied.
    public var rejected: [Rejection] = []

    public init() {}

    public struct Rejection: Equatable, Sendable {
        public let record: MergeRecord
        public let reason: String
        /// The record is fine but stamped too far ahead of this replica's clock: once the
        /// writer's clock is right (or time catches up) the same record will be taken.
        public var retryLater = false
    }
}

extension ReplicaStore {
    /// Applies records from anywhere, in one transaction: all of them or, if storage fails,
    /// none. Malformed records and records stamped beyond the allowed clock skew are refused
    /// and reported; the rest apply. Order and duplicates do not matter.
    /// `records` is consumed lazily, so a long stream needs no more memory than one record.
    @discardableResult
    public func apply<S: Sequence>(_ records: S) throws -> ApplyReport where S.Element == MergeRecord {
        try apply(records, alsoInTransaction: { _ in })
    }

    /// The same, running `more` (with the report so far) in the same transaction after the
    /// records: what a sync keeps about its progress commits with the records it covers, in one
    /// disk sync instead of two.
    @discardableResult
    public func apply<S: Sequence>(_ records: S, alsoInTransaction more: (ApplyReport) throws -> Void) throws -> ApplyReport
    where S.Element == MergeRecord {
        try storageTransaction {
            var report = ApplyReport()
            let wallClock = now()
            for record in records {
                do {
                    try record.validate()
                    try HybridLogicalClock.checkSkew(record.timestamp, now: wallClock,
                                                     maxSkewMilliseconds: clock.maxSkewMilliseconds)
                } catch {
                    report.rejected.append(.init(record: record, reason: "\(error)", retryLater: error is ClockSkewError))
                    continue
                }
                try observe(record.timestamp)
                try applyValidated(record, report: &report)
            }
            try persistClock()
            try more(report)
            return report
        }
    }

    /// Writes fields as this node: stamps one timestamp for the whole change, records for every
    /// field what this replica shows for it (winner and conflicts) as `seen`, and applies.
    @discardableResult
    public func write(_ writes: [FieldWrite]) throws -> [MergeRecord] {
        precondition(Set(writes.map(\.id)).count == writes.count, "one change writes each field once")
        // A change across several audits is written audit by audit, so that each audit's records
        // lie together in the log: a sealed run is one audit's contiguous records.
        var scopes: [String] = []
        for write in writes where !scopes.contains(KeyScope.scope(ofKey: write.id.key)) { scopes.append(KeyScope.scope(ofKey: write.id.key)) }
        let writes = scopes.count < 2 ? writes : scopes.flatMap { scope in writes.filter { KeyScope.scope(ofKey: $0.id.key) == scope } }
        return try storageTransaction {
            let firstSequence = nextSequence
            let shownByField = try writes.map { try currentStamps(of: $0.id) }
            // After everything shown of these fields: a write supersedes what it overwrote even
            // when this node's clock came back from running ahead.
            let stamp = tick(after: shownByField.joined().max())
            var report = ApplyReport()
            var records: [MergeRecord] = []
            for (write, shownNow) in zip(writes, shownByField) {
                var shown = shownNow
                var timestamp = stamp
                // A record names at most `seenCount` values. A field showing more (a crowd of
                // concurrent writers) is resolved by a chain of writes of the same value, each
                // seeing a share of them and the link before it; the last link wins.
                while shown.count > MergeRecord.Limits.seenCount {
                    let share = Array(shown.prefix(MergeRecord.Limits.seenCount - 1))
                    shown.removeFirst(share.count)
                    let link = MergeRecord(entity: write.id.entity, key: write.id.key, field: write.id.field,
                                           value: write.value, timestamp: timestamp, seen: share)
                    try link.validate()
                    try applyValidated(link, report: &report)
                    records.append(link)
                    shown.append(timestamp)
                    timestamp = tick()
                }
                let record = MergeRecord(entity: write.id.entity, key: write.id.key, field: write.id.field,
                                         value: write.value, timestamp: timestamp, seen: shown)
                try record.validate()
                try applyValidated(record, report: &report)
                records.append(record)
            }
            // Sealed in the same transaction: a record altered on this disk afterwards no
            // longer verifies anywhere, here included.
            if let key = recordSigningKey { try sealOwn(records, firstSequence: firstSequence, with: key) }
            try persistClock()
            try persistLastLocalSequence()
            return records
        }
    }

    /// Runs `body` in a write transaction, naming storage failures in the replica's words. Inside
    /// a transaction the caller holds on the same connection (the central writes an audit's plan
    /// with its own bookkeeping, atomically), `body` joins it: both commit or neither does.
    func storageTransaction<T>(_ body: () throws -> T) throws -> T {
        do {
            if database.isInTransaction {
                nextSequence = try lastSequence() + 1
                return try body()
            }
            return try database.transaction {
                nextSequence = try lastSequence() + 1
                return try body()
            }
        } catch let error as SQLiteError {
            throw ReplicaError.wrap(error, path: database.path)
        }
    }

    func applyValidated(_ record: MergeRecord, report: inout ApplyReport) throws {
        // Most records name a field this replica has never seen: try the insert first, so that
        // case costs one statement on the state and one append to the log.
        let sequence = nextSequence
        scratch.value.removeAll()
        record.value.encode(into: &scratch.value)
        FieldIndex.encode(single: .init(timestamp: record.timestamp, sequence: sequence, seen: record.seen),
                          into: &scratch.index)
        let insert = statements.insertState
        bindField(insert, record.fieldID)
        insert.bind(4, blob: scratch.value.bytes)
        bindStamp(insert, record.timestamp, from: 5)
        insert.bind(7, blob: scratch.index.bytes)
        try insert.run()
        if database.changes == 1 {
            try appendToLog(record, sequence: sequence)
            report.applied += 1
            return
        }

        guard let state = try readState(record.fieldID) else { throw ReplicaError.notADatabase(path: database.path) }
        var index = state.index
        if index.contains(record.timestamp) {
            report.duplicates += 1
            return
        }
        index.insert(FieldIndex.Entry(timestamp: record.timestamp, sequence: sequence, seen: record.seen))
        try appendToLog(record, sequence: sequence)
        report.applied += 1

        let winner: Timestamp
        let conflicts: Int
        if state.conflicts == 0 && record.timestamp > state.winner && record.seen.contains(state.winner) {
            // A sequential overwrite of an uncontested field, the common case: nothing to resolve.
            (winner, conflicts) = (record.timestamp, 0)
        } else {
            let resolution = index.resolution!
            (winner, conflicts) = (resolution.winner, resolution.conflicts.count)
            if resolution.conflicts.contains(record.timestamp) { report.conflicts += 1 }
        }
        if winner == record.timestamp {
            let update = statements.updateWinner
            bindField(update, record.fieldID)
            update.bind(4, blob: scratch.value.bytes)
            bindStamp(update, record.timestamp, from: 5)
            update.bind(7, conflicts)
            update.bind(8, blob: index.encoded())
            try update.run()
        } else {
            let update = statements.updateRecords
            bindField(update, record.fieldID)
            update.bind(4, conflicts)
            update.bind(5, blob: index.encoded())
            try update.run()
        }
    }

    /// Appends at `sequence`, which the transaction hands out in order: the field's index has
    /// to name the log position before the row exists.
    private func appendToLog(_ record: MergeRecord, sequence: Int64) throws {
        let log = statements.insertLog
        log.bind(8, sequence)
        bindField(log, record.fieldID)
        bindStamp(log, record.timestamp, from: 4)
        log.bind(6, blob: scratch.value.bytes)
        if let seen = SeenEncoding.encode(record.seen) { log.bind(7, blob: seen) } else { log.bindNull(7) }
        try log.run()
        nextSequence += 1
    }

    struct StoredState {
        let winner: Timestamp
        let conflicts: Int
        let index: FieldIndex
    }

    func readState(_ field: FieldID) throws -> StoredState? {
        let read = statements.readState
        bindField(read, field)
        defer { read.reset() }
        guard try read.step() else { return nil }
        return StoredState(winner: Timestamp(packedClock: read.int64(0), node: NodeID(rawValue: UInt64(bitPattern: read.int64(1)))),
                           conflicts: read.int(2),
                           index: read.withBlob(3) { FieldIndex(decoding: $0) })
    }

    /// The stamps this replica shows for a field: winner and listed conflicts.
    func currentStamps(of field: FieldID) throws -> [Timestamp] {
        guard let state = try readState(field) else { return [] }
        guard state.conflicts > 0, let resolution = state.index.resolution else { return [state.winner] }
        return [resolution.winner] + resolution.conflicts
    }

    func bindField(_ statement: Statement, _ field: FieldID) {
        statement.bind(1, field.entity)
        statement.bind(2, field.key)
        statement.bind(3, field.field)
    }

    private func bindStamp(_ statement: Statement, _ stamp: Timestamp, from index: Int32) {
        statement.bind(index, stamp.packedClock)
        statement.bind(index + 1, Int64(bitPattern: stamp.node.rawValue))
    }
}

/// One field this node writes.
public struct FieldWrite: Sendable {
    public let id: FieldID
    public let value: MergeValue

    public init(_ entity: String, _ key: String, _ field: String, _ value: MergeValue) {
        id = FieldID(entity: entity, key: key, field: field)
        self.value = value
    }
}
