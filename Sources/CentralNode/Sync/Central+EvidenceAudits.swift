import SQLiteKit

/// The audits each evidence file is held for (`evidence_audits`, see `EvidenceAccess`).
extension Central {
    /// The files held for any of `audits`, each with those of `audits` it is held for.
    func evidenceHeld(for audits: Set<String>) throws -> [String: Set<String>] {
        let query = try database.prepare("SELECT sha256 FROM evidence_audits WHERE audit = ?1")
        var held: [String: Set<String>] = [:]
        for audit in audits {
            query.bind(1, audit)
            try query.forEachRow { held[$0.text(0), default: []].insert(audit) }
        }
        return held
    }

    /// Notes that a team member's node uploaded the file's bytes for `audits`.
    func holdEvidence(_ sha256: String, for audits: Set<String>) throws {
        guard !audits.isEmpty else { return }
        try database.transaction {
            let insert = try database.prepare("INSERT OR IGNORE INTO evidence_audits(sha256, audit) VALUES (?1, ?2)")
            for audit in audits.sorted() {
                insert.bind(1, sha256)
                insert.bind(2, audit)
                try insert.run()
            }
        }
    }
}
