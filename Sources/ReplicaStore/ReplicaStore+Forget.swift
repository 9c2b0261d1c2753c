import MergeCore
import SQLiteKit

/// Deleting what a replica must no longer hold: an audit whose team its auditor left, or
/// everything, on a laptop the certification body revoked. The only deletions a replica makes;
/// they end its copy of the audit trail for that scope (the central keeps the whole trail).
///
/// Log positions are never reused afterwards: the sync positions a node keeps (how far it
/// pushed, its pull marks) count in its log, and a new record taking a deleted record's
/// position would look already pushed. So the log's end is kept in `replica_meta` (`log_end`)
/// and `lastSequence()` never goes below it.
extension ReplicaStore {
    /// Deletes every record and field of every scope in `scopes` — the log rows, the field
    /// states and conflicts, the re-stamp notes — in one transaction together with `more`,
    /// which is given the log positions deleted (for the node's own tables that name them).
    /// Returns how many records were deleted.
    @discardableResult
    public func forget(_ scopes: [KeyScope], alsoInTransaction more: ([Int64]) throws -> Void = { _ in }) throws -> Int {
        try storageTransaction {
            try keepLogEnd()
            var sequences: [Int64] = []
            let select = try cachedStatement("SELECT seq FROM merge_log WHERE key = ?1 OR (key >= ?2 AND key < ?3)")
            for scope in scopes {
                bindScope(select, scope, from: 1)
                try select.forEachRow { sequences.append($0.int64(0)) }
            }
            try deleteRows(at: sequences, from: "restamped")
            try deleteRows(at: sequences, from: "merge_log")
            let state = try cachedStatement("DELETE FROM field_state WHERE key = ?1 OR (key >= ?2 AND key < ?3)")
            for scope in scopes {
                bindScope(state, scope, from: 1)
                try state.run()
            }
            try more(sequences)
            return sequences.count
        }
    }

    /// Deletes every record and field this replica holds, in one transaction with `more`. The
    /// node's identity and clock stay: they are its own, not the certification body's.
    public func forgetEverything(alsoInTransaction more: () throws -> Void = {}) throws {
        try storageTransaction {
            try keepLogEnd()
            try database.execute("DELETE FROM restamped; DELETE FROM merge_log; DELETE FROM field_state;")
            try more()
        }
    }

    /// Notes the log's current end, so positions past deleted records are never given again.
    private func keepLogEnd() throws {
        let save = try cachedStatement("""
            INSERT INTO replica_meta(name, value) VALUES ('log_end', ?1)
            ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)
            """)
        save.bind(1, try lastSequence())
        try save.run()
    }

    private func deleteRows(at sequences: [Int64], from table: String) throws {
        let delete = try cachedStatement("DELETE FROM \(table) WHERE seq = ?1")
        for sequence in sequences {
            delete.bind(1, sequence)
            try delete.run()
        }
    }
}
