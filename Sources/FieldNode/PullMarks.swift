import SQLiteKit

/// Where this laptop's log stood each time a pull committed up to a central cursor: after a
/// restore moved the cursor back to R, the records received after the last mark at or before R
/// are the ones the restored central may lack. One row per committed pull step, a few bytes.
struct PullMarks {
    let database: Database

    /// Inside the pull's transaction: the log ends at `local` and holds the central's log to `cursor`.
    func note(local: Int64, cursor: UInt64) throws {
        let insert = try database.prepare("""
            INSERT INTO pull_marks(local_seq, cursor) VALUES (?1, ?2)
            ON CONFLICT(local_seq) DO UPDATE SET cursor = excluded.cursor
            """)
        insert.bind(1, local)
        insert.bind(2, Int64(bitPattern: cursor))
        try insert.run()
    }

    /// The local log position up to which every received record came from at most `cursor`.
    func localPosition(atCursor cursor: UInt64) throws -> Int64 {
        let query = try database.prepare("SELECT max(local_seq) FROM pull_marks WHERE cursor <= ?1")
        query.bind(1, Int64(bitPattern: cursor))
        defer { query.reset() }
        _ = try query.step()
        return query.int64(0)
    }

    /// Drops the marks of positions a restore took away.
    func forget(after cursor: UInt64) throws {
        let delete = try database.prepare("DELETE FROM pull_marks WHERE cursor > ?1")
        delete.bind(1, Int64(bitPattern: cursor))
        try delete.run()
    }
}
