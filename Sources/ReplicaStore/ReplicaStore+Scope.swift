import MergeCore
import SQLiteKit

extension ReplicaStore {
    /// The log positions of every record of every field of `entities` in `scope`, ascending:
    /// all a replica needs to hold that scope whole (a field node that joins an audit's team
    /// late gets the audit from its start). Read from each field's own index, so the cost is
    /// the scope's size, not the log's.
    public func sequences(in scope: KeyScope, entities: [String]) throws -> [Int64] {
        let query = try cachedStatement("""
            SELECT records FROM field_state WHERE entity = ?1 AND (key = ?2 OR (key >= ?3 AND key < ?4))
            """)
        var sequences: [Int64] = []
        for entity in entities {
            query.bind(1, entity)
            query.bind(2, scope.key)
            query.bind(3, scope.childPrefix)
            query.bind(4, scope.childUpperBound)
            try query.forEachRow { row in
                sequences += row.withBlob(0) { FieldIndex(decoding: $0) }.entries.map(\.sequence)
            }
        }
        return sequences.sorted()
    }

    /// The records at `sequences` (log positions), in that order.
    public func records(at sequences: [Int64]) throws -> [MergeRecord] {
        try sequences.map { sequence in
            guard let row = try records(after: sequence - 1, limit: 1).first, row.sequence == sequence else {
                throw ReplicaError.notADatabase(path: database.path)
            }
            return row.record
        }
    }
}
