import AuditDomain
import AuditReplica
import CanonicalJSON
import Certificates
import Crypto
import Foundation
import HexEncoding
import SQLiteKit

/// A certification decision as the central keeps it.
public struct Decision: Equatable, Sendable {
    public let audit: String
    public let reviewer: String
    public let granted: Bool
    public let reason: String?
    /// The certificate a grant issued.
    public let certificate: String?
    /// When, UTC (ISO 8601).
    public var decidedAt: String = ""
    /// SHA-256 (hex) of the canonical audit document the decision was taken on: the bytes
    /// `central audit show --json` printed at that moment. Nil for decisions from before it was kept.
    public var documentSHA256: String?
}

extension Central {
    /// Takes a certification decision on `audit` (SPEC §2): only a reviewer who was not on the
    /// audit team may; a grant must meet every rule (`AuditReplica.certificationGaps`) and issues
    /// a signed certificate; a refusal is kept with its reason. Every decision is recorded.
    public func decide(audit: String, reviewer: String, grant: Bool, reason: String?) throws -> Decision {
        guard let person = try auditor(reviewer) else { throw CentralError.unknownAuditor(reviewer) }
        guard person.has(.reviewer) else { throw CentralError.missingRole(auditor: reviewer, role: "reviewer") }
        let plan = try replica.plan(of: audit)
        guard !plan.team.contains(reviewer) else { throw CentralError.reviewerOnTeam(reviewer: reviewer, audit: audit) }
        try requireImpartial([reviewer], client: plan.client, as: "the reviewer deciding")
        if let reason { try Central.requireLine(reason, "reason") }
        if !grant, reason == nil { throw CentralError.emptyText(what: "reason for refusing certification") }
        var certificate: String?
        var digest = ""
        if grant {
            let gaps = try replica.certificationGaps(audit: audit)
            guard gaps.isEmpty else { throw CentralError.cannotGrant(audit: audit, gaps: gaps) }
        }
        try database.transaction {
            // Decided once (SPEC §2.1): a second grant would be a second valid certificate for
            // one certification. Checked inside the write transaction, so two decisions taken
            // at the same moment cannot both pass.
            if let earlier = try decisions(audit: audit).first {
                throw CentralError.alreadyDecided(audit: audit, outcome: earlier.granted ? "granted" : "refused",
                                                  by: earlier.reviewer, certificate: earlier.certificate)
            }
            if grant { certificate = try issueCertificate(for: plan) }
            // In the decision's own transaction: no record can land between the document and it.
            digest = try documentDigest(audit: audit)
            let insert = try database.prepare("""
                INSERT INTO decisions(audit, reviewer, outcome, reason, certificate, document_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                """)
            insert.bind(1, audit)
            insert.bind(2, reviewer)
            insert.bind(3, grant ? "grant" : "refuse")
            insert.bind(4, reason)
            insert.bind(5, certificate)
            insert.bind(6, digest)
            try insert.run()
        }
        return try decisions(audit: audit).last ?? Decision(audit: audit, reviewer: reviewer, granted: grant, reason: reason,
                                                             certificate: certificate, documentSHA256: digest)
    }

    /// SHA-256 of the audit's canonical document, as `central audit show --json` prints it,
    /// without its `frozen` member: the decision freezes the audit in the same transaction, and
    /// the digest stays reproducible from the frozen document (drop `frozen`, hash the rest).
    public func documentDigest(audit: String) throws -> String {
        var document = try replica.document(audit: audit)
        if case .object(var members) = document {
            members["frozen"] = nil
            document = .object(members)
        }
        let bytes = Array((document.encoded(pretty: true) + "\n").utf8)
        return Hex.encode(SHA256.hash(data: bytes))
    }

    /// Every decision on `audit`, oldest first.
    public func decisions(audit: String) throws -> [Decision] {
        let query = try database.prepare("""
            SELECT audit, reviewer, outcome, reason, certificate, decided_at, document_sha256 FROM decisions WHERE audit = ?1 ORDER BY id
            """)
        query.bind(1, audit)
        var decisions: [Decision] = []
        try query.forEachRow { row in
            decisions.append(Decision(audit: row.text(0), reviewer: row.text(1), granted: row.text(2) == "grant",
                                      reason: row.optionalText(3), certificate: row.optionalText(4),
                                      decidedAt: row.text(5), documentSHA256: row.optionalText(6)))
        }
        return decisions
    }
}
