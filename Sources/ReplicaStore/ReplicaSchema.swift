import SQLiteKit

/// The replica's tables. Append-only: a shipped migration is never edited.
///
/// - `merge_log` is every record ever received, in arrival order (`seq` is the sync cursor). It is
///   the audit trail: who (origin node) changed what (entity, key, field) when (clock).
/// - `field_state` is the materialised current value of every field — its winning record — and
///   the field's own index of its records (`records`, see `FieldIndex`): identities, log
///   positions and what each had seen. Duplicates, supersession, conflicts and history are all
///   answered from that one row, so the log needs no index beyond its sequence.
/// - `conflicts` counts the field's unresolved concurrent writes; a partial index finds them.
public enum ReplicaSchema {
    public static let migrations: [Migrator.Migration] = [
        .init("0001-replica-meta", sql: """
            CREATE TABLE replica_meta (
                name TEXT PRIMARY KEY NOT NULL,
                value ANY
            ) STRICT, WITHOUT ROWID;
            """),
        .init("0002-merge-log", sql: """
            CREATE TABLE merge_log (
                seq INTEGER PRIMARY KEY,
                entity TEXT NOT NULL,
                key TEXT NOT NULL,
                field TEXT NOT NULL,
                clock INTEGER NOT NULL,
                node INTEGER NOT NULL,
                value BLOB NOT NULL,
                seen BLOB
            ) STRICT;
            """),
        .init("0003-field-state", sql: """
            CREATE TABLE field_state (
                entity TEXT NOT NULL,
                key TEXT NOT NULL,
                field TEXT NOT NULL,
                value BLOB NOT NULL,
                clock INTEGER NOT NULL,
                node INTEGER NOT NULL,
                conflicts INTEGER NOT NULL,
                records BLOB NOT NULL,
                PRIMARY KEY (entity, key, field)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX field_state_conflicted ON field_state(key) WHERE conflicts > 0;
            """),
        // Records this node re-stamped after its clock ran ahead and came back (see
        // `restampOwnRecords`): the log row keeps its position, this keeps its old stamp.
        .init("0004-restamped", sql: """
            CREATE TABLE restamped (
                seq INTEGER NOT NULL,
                old_clock INTEGER NOT NULL,
                new_clock INTEGER NOT NULL,
                at TEXT NOT NULL
            ) STRICT;
            """),
        // Signed records (protocol/signatures.md): every run of one node's records of one audit
        // with the seal that covers it, where its records lie in this log (runs are contiguous:
        // a writer seals what one transaction wrote, a receiver applies a run in one go), and
        // each chain's verified state. A withheld run (refused by the central, which says so)
        // has its seal but no records here.
        .init("0005-seals", sql: """
            CREATE TABLE seals (
                id INTEGER PRIMARY KEY,
                from_seq INTEGER,
                through_seq INTEGER,
                node INTEGER NOT NULL,
                scope TEXT NOT NULL,
                first INTEGER NOT NULL,
                seal BLOB NOT NULL,
                withheld TEXT,
                UNIQUE (node, scope, first)
            ) STRICT;
            CREATE UNIQUE INDEX seals_in_log ON seals(from_seq) WHERE from_seq IS NOT NULL;
            CREATE TABLE chains (
                node INTEGER NOT NULL,
                scope TEXT NOT NULL,
                count INTEGER NOT NULL,
                head BLOB NOT NULL,
                PRIMARY KEY (node, scope)
            ) STRICT, WITHOUT ROWID;
            """),
    ]
}
