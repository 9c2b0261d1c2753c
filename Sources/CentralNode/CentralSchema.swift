import SQLiteKit

/// The central's own tables, beside the replica's in the same file. Append-only.
///
/// The audit programme — who the auditors and clients are — lives here; audits themselves are
/// merge records (so they replicate to field nodes), and `audits` only numbers them.
enum CentralSchema {
    static let migrations: [Migrator.Migration] = [
        .init("0101-central-programme", sql: """
            CREATE TABLE central_config (
                name TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE auditors (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                roles TEXT NOT NULL,
                added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            ) STRICT;
            CREATE TABLE clients (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                sites TEXT NOT NULL,
                added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            ) STRICT;
            CREATE TABLE audits (
                id TEXT PRIMARY KEY NOT NULL,
                client TEXT NOT NULL REFERENCES clients(id),
                year INTEGER NOT NULL,
                number INTEGER NOT NULL,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                UNIQUE (year, number)
            ) STRICT;
            """),
        .init("0102-node-keys", sql: """
            CREATE TABLE nodes (
                id TEXT PRIMARY KEY NOT NULL,
                public_key BLOB NOT NULL UNIQUE,
                auditor TEXT NOT NULL REFERENCES auditors(id),
                enrolled_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                revoked_at TEXT,
                revoke_reason TEXT
            ) STRICT;
            """),
        // One row per token issued. Only the SHA-256 of the token's secret is kept: a copy of
        // this database cannot enroll anything.
        .init("0103-enrollments", sql: """
            CREATE TABLE enrollments (
                secret_hash BLOB PRIMARY KEY NOT NULL,
                auditor TEXT NOT NULL REFERENCES auditors(id),
                issued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                expires_at TEXT NOT NULL,
                node TEXT REFERENCES nodes(id),
                redeemed_at TEXT
            ) STRICT;
            ALTER TABLE nodes ADD COLUMN device_name TEXT NOT NULL DEFAULT '';
            """),
        // When each node last got past admission: operators see which laptops have not synced.
        .init("0104-node-last-seen", sql: """
            ALTER TABLE nodes ADD COLUMN last_seen_at TEXT;
            """),
        // Certification decisions (every one, refusals with their reasons) and the certificates
        // granted. A certificate's credential is signed once, at issue; its status changes
        // live in the status lists, which are signed when exported.
        .init("0105-certification", sql: """
            CREATE TABLE decisions (
                id INTEGER PRIMARY KEY,
                audit TEXT NOT NULL,
                reviewer TEXT NOT NULL REFERENCES auditors(id),
                outcome TEXT NOT NULL CHECK (outcome IN ('grant', 'refuse')),
                reason TEXT,
                decided_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                certificate TEXT REFERENCES certificates(number)
            ) STRICT;
            CREATE TABLE certificates (
                number TEXT PRIMARY KEY NOT NULL,
                audit TEXT NOT NULL,
                client TEXT NOT NULL,
                status_index INTEGER NOT NULL UNIQUE,
                issued_on TEXT NOT NULL,
                expires_on TEXT NOT NULL,
                original_issue_on TEXT NOT NULL,
                revision INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'withdrawn')),
                status_reason TEXT,
                status_changed_at TEXT,
                credential TEXT NOT NULL
            ) STRICT;
            """),
        // Sync positions the central must own: the identity of its log (a restore gives it a
        // new one, so cursors from before are never read as positions after), and how far it
        // holds each node's own records, so a node that pushed to a central later restored from
        // an older backup sends them again.
        .init("0106-sync-positions", sql: """
            INSERT OR IGNORE INTO central_config(name, value) VALUES ('log.id', lower(hex(randomblob(8))));
            CREATE TABLE node_pushes (
                node TEXT PRIMARY KEY NOT NULL,
                through INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;
            """),
        // Keys a node enrolled with before it lost them and enrolled again under its id.
        .init("0107-retired-node-keys", sql: """
            CREATE TABLE retired_node_keys (
                node TEXT NOT NULL REFERENCES nodes(id),
                public_key BLOB NOT NULL,
                retired_at TEXT NOT NULL
            ) STRICT;
            """),
        // What a decision rested on: the SHA-256 of the canonical audit document at that moment
        // (the bytes `central audit show --json` prints), so anyone can check it later.
        .init("0108-decision-document", sql: """
            ALTER TABLE decisions ADD COLUMN document_sha256 TEXT;
            """),
        // Competence and impartiality: the standards an auditor is qualified for, and declared
        // conflicts of interest with clients.
        .init("0109-competence-impartiality", sql: """
            CREATE TABLE auditor_standards (
                auditor TEXT NOT NULL REFERENCES auditors(id),
                standard TEXT NOT NULL,
                PRIMARY KEY (auditor, standard)
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE conflicts_of_interest (
                auditor TEXT NOT NULL REFERENCES auditors(id),
                client TEXT NOT NULL REFERENCES clients(id),
                reason TEXT NOT NULL,
                declared_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                PRIMARY KEY (auditor, client)
            ) STRICT, WITHOUT ROWID;
            """),
        // Certifications across their cycle (SPEC §2.1): a certificate number keeps its
        // revisions (a recertification, an extension or a reduction adds one, superseding the
        // one before), each with its own credential and status list index; every status change
        // and surveillance outcome is an event on the certificate.
        .init("0110-certificate-revisions", sql: """
            CREATE TABLE certificate_revisions (
                number TEXT NOT NULL,
                revision INTEGER NOT NULL,
                audit TEXT NOT NULL,
                client TEXT NOT NULL,
                status_index INTEGER NOT NULL UNIQUE,
                issued_on TEXT NOT NULL,
                expires_on TEXT NOT NULL,
                original_issue_on TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'withdrawn', 'superseded')),
                status_reason TEXT,
                status_changed_at TEXT,
                credential TEXT NOT NULL,
                PRIMARY KEY (number, revision)
            ) STRICT;
            INSERT INTO certificate_revisions
                SELECT number, revision, audit, client, status_index, issued_on, expires_on, original_issue_on,
                       status, status_reason, status_changed_at, credential
                FROM certificates;
            DROP TABLE certificates;
            ALTER TABLE certificate_revisions RENAME TO certificates;
            CREATE TABLE certificate_events (
                id INTEGER PRIMARY KEY,
                number TEXT NOT NULL,
                revision INTEGER NOT NULL,
                event TEXT NOT NULL,
                audit TEXT,
                actor TEXT,
                reason TEXT,
                at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            ) STRICT;
            INSERT INTO certificate_events(number, revision, event, audit, at)
                SELECT number, revision, 'issued', audit, issued_on || 'T00:00:00.000Z' FROM certificates;
            INSERT INTO certificate_events(number, revision, event, reason, at)
                SELECT number, revision, status, status_reason, status_changed_at FROM certificates
                WHERE status != 'active' AND status_changed_at IS NOT NULL;
            ALTER TABLE decisions ADD COLUMN revision INTEGER;
            UPDATE decisions SET revision = 1 WHERE certificate IS NOT NULL;
            """),
        // The audits each evidence file is held for: those in which a team member's node
        // uploaded its bytes for an evidence record of their own (`EvidenceAccess`). A laptop
        // fetches a file only through an audit it may read that holds it. Files already here
        // are held for the audits whose evidence records name them: the winning `sha256` value
        // of each evidence entity, decoded from its canonical encoding (tag 4, length 64 as
        // one varint byte 0x40, then the 64 hex digits; protocol/records.md).
        .init("0111-evidence-audits", sql: """
            CREATE TABLE evidence_audits (
                sha256 TEXT NOT NULL,
                audit TEXT NOT NULL,
                held_since TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                PRIMARY KEY (sha256, audit)
            ) STRICT, WITHOUT ROWID;
            INSERT OR IGNORE INTO evidence_audits(sha256, audit)
                SELECT CAST(substr(value, 3) AS TEXT), substr(key, 1, instr(key, '/') - 1) FROM field_state
                WHERE entity = 'evidence' AND field = 'sha256' AND length(value) = 66 AND substr(value, 1, 2) = x'0440'
                  AND instr(key, '/') > 1;
            """),
        // The public key each node seals its records with (protocol/signatures.md), registered at
        // its first sync session over the channel its Noise key authenticated, then held to.
        .init("0112-node-record-keys", sql: """
            ALTER TABLE nodes ADD COLUMN record_key BLOB;
            """),
    ]
}
