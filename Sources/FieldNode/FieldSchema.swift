import SQLiteKit

/// The field node's own table, beside the replica's in the same file. Append-only.
enum FieldSchema {
    static let migrations: [Migrator.Migration] = [
        // What enrollment taught the node: where its central is, the key it must prove, and who
        // this laptop works for. Written once, in one transaction, when `enrolled` arrives.
        .init("0201-field-enrollment", sql: """
            CREATE TABLE field_config (
                name TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
            ) STRICT, WITHOUT ROWID;
            """),
        // Where the log stood at each committed pull step (see PullMarks): what to give back
        // to a central restored from a backup.
        .init("0202-pull-marks", sql: """
            CREATE TABLE pull_marks (
                local_seq INTEGER PRIMARY KEY,
                cursor INTEGER NOT NULL
            ) STRICT;
            """),
        // This node's records the central took for later only (stamped too far ahead of its
        // clock): with the records never sent, the only ones a corrected clock may re-stamp.
        .init("0203-postponed-records", sql: """
            CREATE TABLE postponed_records (
                seq INTEGER PRIMARY KEY
            ) STRICT;
            """),
    ]
}
