import AuditDomain
import AuditReplica
import CanonicalJSON
import Certificates
import Crypto
import Foundation
import HexEncoding
import ReplicaStore
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
    /// The certificate revision a grant issued or confirmed.
    public var revision: Int?
}

extension Central {
    /// Takes a certification decision on `audit` (SPEC §2, §2.1): only a reviewer who was not on
    /// the audit team and has no conflict with the client may; a grant must meet every rule
    /// (`AuditReplica.certificationGaps`, and the certification's own state); a refusal needs a
    /// reason. What it does depends on the audit's kind — a stage 2 grant issues a certificate, a
    /// surveillance confirms or suspends it, a recertification renews it, a special audit extends
    /// it. The decision freezes the audit: its record stays as the decision saw it.
    public func decide(audit: String, reviewer: String, grant: Bool, reason: String?) throws -> Decision {
        try requireReviewer(reviewer)
        let plan = try replica.plan(of: audit)
        guard !plan.team.contains(reviewer) else { throw CentralError.reviewerOnTeam(reviewer: reviewer, audit: audit) }
        try requireImpartial([reviewer], client: plan.client, as: "the reviewer deciding")
        if let reason { try Central.requireLine(reason, "reason") }
        if !grant, reason == nil { throw CentralError.emptyText(what: "reason for refusing certification") }
        if grant {
            let gaps = try replica.certificationGaps(audit: audit) + certificationStateGaps(plan)
            guard gaps.isEmpty else { throw CentralError.cannotGrant(audit: audit, gaps: gaps) }
        }
        var certificate: String?
        var revision: Int?
        var digest = ""
        try database.transaction {
            // Decided once (SPEC §2.1): a second grant would be a second valid certificate for
            // one certification. Checked inside the write transaction, so two decisions taken
            // at the same moment cannot both pass.
            if let earlier = try decisions(audit: audit).first {
                throw CentralError.alreadyDecided(audit: audit, outcome: earlier.granted ? "granted" : "refused",
                                                  by: earlier.reviewer, certificate: earlier.certificate)
            }
            // The audit is frozen first, in the decision's own transaction: the digest is of the
            // document as it stays from now on (`audit show --json` prints exactly those bytes),
            // and no record can land between the document and the decision.
            try replica.writePlan([FieldWrite(AuditSchema.Entity.audit, audit, AuditSchema.AuditField.frozen,
                                              .text("decided on \(today): \(grant ? "granted" : "refused") by \(reviewer)"))])
            digest = try documentDigest(audit: audit)
            (certificate, revision) = try applyDecision(plan, grant: grant, reviewer: reviewer, reason: reason, digest: digest)
            let insert = try database.prepare("""
                INSERT INTO decisions(audit, reviewer, outcome, reason, certificate, revision, document_sha256, decided_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                """)
            insert.bind(1, audit)
            insert.bind(2, reviewer)
            insert.bind(3, grant ? "grant" : "refuse")
            insert.bind(4, reason)
            insert.bind(5, certificate)
            if let revision { insert.bind(6, revision) } else { insert.bindNull(6) }
            insert.bind(7, digest)
            insert.bind(8, ISO8601.string(milliseconds: store.now()))
            try insert.run()
        }
        return try decisions(audit: audit).last ?? Decision(audit: audit, reviewer: reviewer, granted: grant, reason: reason,
                                                             certificate: certificate, documentSHA256: digest)
    }

    /// What the decision does to the certification, by audit kind (SPEC §2.1); the certificate
    /// and revision it issued or concerns.
    private func applyDecision(_ plan: AuditPlan, grant: Bool, reviewer: String, reason: String?,
                               digest: String) throws -> (String?, Int?) {
        switch (plan.kind, grant) {
        case (.stage2, true):
            return (try issueCertificate(for: plan, documentSHA256: digest, reviewer: reviewer), 1)
        case (.stage1, _), (.stage2, false):
            return (nil, nil)
        case (_, _) where plan.certificate == nil:
            return (nil, nil)
        case (.surveillance, true):
            let number = plan.certificate!
            let current = try certificate(number)
            try recordEvent(number: number, revision: current.data.revision, .confirmed, audit: plan.id, actor: reviewer, reason: reason)
            if current.recordedStatus == .suspended {
                try changeStatus(number, to: .active, reason: "surveillance audit \(plan.id) granted", actor: reviewer, audit: plan.id)
            }
            return (number, current.data.revision)
        case (.surveillance, false):
            let number = plan.certificate!
            let current = try certificate(number)
            if current.status(today: today) == .active {
                try changeStatus(number, to: .suspended, reason: "surveillance audit \(plan.id) refused: \(reason ?? "")",
                                 actor: reviewer, audit: plan.id)
            } else {
                try recordEvent(number: number, revision: current.data.revision, .refused, audit: plan.id, actor: reviewer, reason: reason)
            }
            return (number, current.data.revision)
        case (.recertification, true), (.special, true):
            let number = plan.certificate!
            var terms = try currentTerms(of: number)
            terms.scope = plan.scope
            terms.sites = plan.sites
            terms.standards = certifiedStandards(plan.standards)
            terms.audit = plan.id
            terms.documentSHA256 = digest
            var note = reason
            if plan.kind == .recertification {
                // Three more years from the previous expiry; from the decision when it had
                // already expired (restored within six months), the gap shown.
                if terms.expiryDate < today {
                    note = "restored after a gap: expired \(terms.expiryDate), renewed \(today)" + (reason.map { "; \($0)" } ?? "")
                    terms.expiryDate = CalendarDate(today)!.adding(years: 3).description
                } else {
                    terms.expiryDate = CalendarDate(terms.expiryDate)!.adding(years: 3).description
                }
            }
            let revision = try reviseCertificate(number, plan.kind == .recertification ? .renewed : .extended, terms: terms,
                                                 actor: reviewer, reason: note, reinstating: true)
            return (number, revision)
        case (.recertification, false), (.special, false):
            let number = plan.certificate!
            try recordEvent(number: number, revision: try certificate(number).data.revision, .refused, audit: plan.id,
                            actor: reviewer, reason: reason)
            return (number, nil)
        }
    }

    /// What the certification's own state stands in the way of a grant on `plan`.
    func certificationStateGaps(_ plan: AuditPlan) throws -> [String] {
        guard let number = plan.certificate, plan.kind != .stage1, plan.kind != .stage2 else { return [] }
        let current = try certificate(number)
        switch current.status(today: today) {
        case .withdrawn:
            return ["certificate \(number) is withdrawn; a withdrawn certificate is never active again"]
        case .expired:
            let limit = CalendarDate(current.data.expiryDate)!.adding(months: 6).description
            if plan.kind == .recertification, today <= limit { return [] }
            return plan.kind == .recertification
                ? ["certificate \(number) expired on \(current.data.expiryDate), more than six months ago (until \(limit)); a new initial audit is needed"]
                : ["certificate \(number) expired on \(current.data.expiryDate); only a recertification decided by \(limit) restores it"]
        default:
            return []
        }
    }

    /// SHA-256 of the audit's canonical document, as `central audit show --json` prints it.
    public func documentDigest(audit: String) throws -> String {
        let bytes = Array((try replica.document(audit: audit).encoded(pretty: true) + "\n").utf8)
        return Hex.encode(SHA256.hash(data: bytes))
    }

    /// Every decision on `audit`, oldest first.
    public func decisions(audit: String) throws -> [Decision] {
        let query = try database.prepare("""
            SELECT audit, reviewer, outcome, reason, certificate, decided_at, document_sha256, revision FROM decisions WHERE audit = ?1 ORDER BY id
            """)
        query.bind(1, audit)
        var decisions: [Decision] = []
        try query.forEachRow { row in
            decisions.append(Decision(audit: row.text(0), reviewer: row.text(1), granted: row.text(2) == "grant",
                                      reason: row.optionalText(3), certificate: row.optionalText(4),
                                      decidedAt: row.text(5), documentSHA256: row.optionalText(6),
                                      revision: row.isNull(7) ? nil : row.int(7)))
        }
        return decisions
    }
}
