import SQLiteKit

/// The prepared statements of the hot path, prepared once per store: preparing costs more
/// than running them.
final class Statements {
    let saveClock: Statement
    let insertLog: Statement
    let readState: Statement
    let insertState: Statement
    let updateWinner: Statement
    let updateRecords: Statement
    let lastSequence: Statement
    /// Statements of the less frequent queries, prepared on first use.
    var cache: [String: Statement] = [:]

    init(_ database: Database) throws(SQLiteError) {
        saveClock = try database.prepare("""
            INSERT INTO replica_meta(name, value) VALUES ('clock', ?1)
            ON CONFLICT(name) DO UPDATE SET value = excluded.value
            """)
        insertLog = try database.prepare("""
            INSERT INTO merge_log(seq, entity, key, field, clock, node, value, seen) VALUES (?8, ?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        readState = try database.prepare("""
            SELECT clock, node, conflicts, records FROM field_state WHERE entity = ?1 AND key = ?2 AND field = ?3
            """)
        insertState = try database.prepare("""
            INSERT INTO field_state(entity, key, field, value, clock, node, conflicts, records)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)
            ON CONFLICT(entity, key, field) DO NOTHING
            """)
        updateWinner = try database.prepare("""
            UPDATE field_state SET value = ?4, clock = ?5, node = ?6, conflicts = ?7, records = ?8
            WHERE entity = ?1 AND key = ?2 AND field = ?3
            """)
        // Past any record a forgotten audit took away with it (`log_end`): positions are not reused.
        lastSequence = try database.prepare("""
            SELECT max(coalesce((SELECT max(seq) FROM merge_log), 0),
                       coalesce((SELECT value FROM replica_meta WHERE name = 'log_end'), 0))
            """)
        updateRecords = try database.prepare("""
            UPDATE field_state SET conflicts = ?4, records = ?5 WHERE entity = ?1 AND key = ?2 AND field = ?3
            """)
    }
}
