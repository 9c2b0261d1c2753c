import MergeCore
import SQLiteKit

/// The current value of one field.
public struct FieldState: Equatable, Sendable {
    public let id: FieldID
    public let value: MergeValue
    /// The winning record's timestamp: when and by which node the value was written.
    public let timestamp: Timestamp
    /// How many concurrent writes that lost are listed for this field.
    public let conflictCount: Int
}

/// A field with concurrent writes nobody has resolved yet.
public struct FieldConflicts: Equatable, Sendable {
    public let winner: MergeRecord
    /// The concurrent writes that lost, oldest first.
    public let losers: [MergeRecord]
}

/// Which part of the replica a query reads: one scope key and everything keyed below it
/// (`A-2026-0001` and `A-2026-0001/…`).
public struct KeyScope: Sendable {
    public let key: String

    public init(_ key: String) {
        precondition(!key.isEmpty && !key.contains("/"), "a scope is a bare key")
        self.key = key
    }

    var childPrefix: String { key + "/" }
    /// The first key past every `key/…`: '/' + 1 is '0'.
    var childUpperBound: String { key + "0" }
}

extension ReplicaStore {
    /// Current values of every field of `entity` in `scope`, by key then field.
    public func fieldStates(entity: String, in scope: KeyScope) throws -> [FieldState] {
        let query = try cachedStatement("""
            SELECT key, field, value, clock, node, conflicts FROM field_state
            WHERE entity = ?1 AND (key = ?2 OR (key >= ?3 AND key < ?4))
            ORDER BY key, field
            """)
        query.bind(1, entity)
        bindScope(query, scope, from: 2)
        return try fieldStateRows(query, entity: entity)
    }

    /// Current values of every field of every `entity`, by key then field.
    public func fieldStates(entity: String) throws -> [FieldState] {
        let query = try cachedStatement("""
            SELECT key, field, value, clock, node, conflicts FROM field_state WHERE entity = ?1 ORDER BY key, field
            """)
        query.bind(1, entity)
        return try fieldStateRows(query, entity: entity)
    }

    /// Keys of `entity` that end with `suffix` (a member id), for lookups by id alone.
    /// `suffix` must not contain the LIKE wildcards `%` and `_`.
    public func keys(entity: String, endingWith suffix: String) throws -> [String] {
        precondition(!suffix.contains("%") && !suffix.contains("_"), "wildcard in key suffix")
        let query = try cachedStatement("SELECT DISTINCT key FROM field_state WHERE entity = ?1 AND key LIKE ?2 ORDER BY key")
        query.bind(1, entity)
        query.bind(2, "%" + suffix)
        var keys: [String] = []
        try query.forEachRow { keys.append($0.text(0)) }
        return keys
    }

    /// The current value of one field, if anyone wrote it.
    public func fieldState(_ id: FieldID) throws -> FieldState? {
        let query = try cachedStatement("""
            SELECT key, field, value, clock, node, conflicts FROM field_state WHERE entity = ?1 AND key = ?2 AND field = ?3
            """)
        bindField(query, id)
        return try fieldStateRows(query, entity: id.entity).first
    }

    /// Rows of (key, field, value, clock, node, conflicts) as field states.
    private func fieldStateRows(_ query: Statement, entity: String) throws -> [FieldState] {
        var states: [FieldState] = []
        try query.forEachRow { row in
            states.append(FieldState(
                id: FieldID(entity: entity, key: row.text(0), field: row.text(1)),
                value: try row.withBlob(2) { try MergeValue(decoding: $0) },
                timestamp: Timestamp(packedClock: row.int64(3), node: NodeID(rawValue: UInt64(bitPattern: row.int64(4)))),
                conflictCount: row.int(5)))
        }
        return states
    }

    /// Every field in `scope` with unresolved concurrent writes, ordered by field.
    public func conflicts(in scope: KeyScope) throws -> [FieldConflicts] {
        let fields = try cachedStatement("""
            SELECT entity, key, field FROM field_state
            WHERE conflicts > 0 AND (key = ?2 OR (key >= ?3 AND key < ?4))
            ORDER BY entity, key, field
            """)
        bindScope(fields, scope, from: 2)
        var ids: [FieldID] = []
        try fields.forEachRow { ids.append(FieldID(entity: $0.text(0), key: $0.text(1), field: $0.text(2))) }
        return try ids.map { id in
            guard let state = try readState(id), let resolution = state.index.resolution,
                  let winner = try record(id, resolution.winner)
            else { throw ReplicaError.notADatabase(path: database.path) }
            let losers = try resolution.conflicts.compactMap { try record(id, $0) }
            return FieldConflicts(winner: winner, losers: losers)
        }
    }

    /// Every record of a field, oldest first: the winner last, with conflicts and superseded
    /// writes before it. `FieldRegister(history(of:))` says which is which.
    public func history(of id: FieldID) throws -> [MergeRecord] {
        guard let state = try readState(id) else { return [] }
        return try state.index.entries.map { try loggedRecord(sequence: $0.sequence) }
    }

    /// One stored record, by its identity.
    public func record(_ id: FieldID, _ stamp: Timestamp) throws -> MergeRecord? {
        guard let entry = try readState(id)?.index.entry(stamp) else { return nil }
        return try loggedRecord(sequence: entry.sequence)
    }

    func loggedRecord(sequence: Int64) throws -> MergeRecord {
        guard let row = try records(after: sequence - 1, limit: 1).first, row.sequence == sequence else {
            throw ReplicaError.notADatabase(path: database.path)
        }
        return row.record
    }

    /// Records in arrival order after `sequence`: the log as a sync cursor reads it.
    public func records(after sequence: Int64, limit: Int) throws -> [(sequence: Int64, record: MergeRecord)] {
        let query = try cachedStatement("""
            SELECT seq, entity, key, field, clock, node, value, seen FROM merge_log WHERE seq > ?1 ORDER BY seq LIMIT ?2
            """)
        query.bind(1, sequence)
        query.bind(2, limit)
        var rows: [(Int64, MergeRecord)] = []
        try query.forEachRow { row in
            let id = FieldID(entity: row.text(1), key: row.text(2), field: row.text(3))
            rows.append((row.int64(0), try logRecord(row, id: id, from: 4)))
        }
        return rows
    }

    /// How many records the log holds.
    public func recordCount() throws -> Int {
        let query = try cachedStatement("SELECT count(*) FROM merge_log")
        defer { query.reset() }
        _ = try query.step()
        return query.int(0)
    }

    /// Columns clock, node, value, seen starting at `column`.
    private func logRecord(_ row: Statement, id: FieldID, from column: Int32) throws -> MergeRecord {
        let stamp = Timestamp(packedClock: row.int64(column), node: NodeID(rawValue: UInt64(bitPattern: row.int64(column + 1))))
        return MergeRecord(entity: id.entity, key: id.key, field: id.field,
                           value: try row.withBlob(column + 2) { try MergeValue(decoding: $0) },
                           timestamp: stamp,
                           seen: row.withBlob(column + 3) { SeenEncoding.decode($0) })
    }

    func bindScope(_ statement: Statement, _ scope: KeyScope, from index: Int32) {
        statement.bind(index, scope.key)
        statement.bind(index + 1, scope.childPrefix)
        statement.bind(index + 2, scope.childUpperBound)
    }

    func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statements.cache[sql] { return statement }
        let statement = try database.prepare(sql)
        statements.cache[sql] = statement
        return statement
    }
}
