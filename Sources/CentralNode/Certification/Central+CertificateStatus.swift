import AuditDomain
import CanonicalJSON
import Certificates
import Foundation
import SQLiteKit

extension Central {
    /// Suspends an active certificate.
    public func suspendCertificate(_ number: String, reason: String) throws {
        try database.transaction { try changeStatus(number, to: .suspended, reason: reason, actor: nil, audit: nil) }
    }

    /// Lifts a suspension: the certificate is active again (unless it expired meanwhile).
    public func reinstateCertificate(_ number: String) throws {
        try database.transaction { try changeStatus(number, to: .active, reason: nil, actor: nil, audit: nil) }
    }

    /// Withdraws a certificate for good.
    public func withdrawCertificate(_ number: String, reason: String) throws {
        try database.transaction { try changeStatus(number, to: .withdrawn, reason: reason, actor: nil, audit: nil) }
    }

    /// Changes the current revision's status and records it as an event (inside a transaction).
    func changeStatus(_ number: String, to status: CertificateStatus, reason: String?, actor: String?, audit: String?) throws {
        if let reason { try Central.requireLine(reason, "reason") }
        let current = try certificate(number)
        let now = current.status(today: today)
        let allowed: Set<CertificateStatus> = switch status {
        case .suspended: [.active]
        case .active: [.suspended]
        default: [.active, .suspended]
        }
        guard allowed.contains(now) else {
            throw CentralError.certificateStatus(number: number, status: now.rawValue, wanted: status.rawValue)
        }
        let update = try database.prepare("""
            UPDATE certificates SET status = ?3, status_reason = ?4, status_changed_at = ?5 WHERE number = ?1 AND revision = ?2
            """)
        update.bind(1, number)
        update.bind(2, current.data.revision)
        update.bind(3, status.rawValue)
        update.bind(4, reason)
        update.bind(5, ISO8601.string(milliseconds: store.now()))
        try update.run()
        let kind: CertificateEvent.Kind = switch status {
        case .suspended: .suspended
        case .active: .reinstated
        default: .withdrawn
        }
        try recordEvent(number: number, revision: current.data.revision, kind, audit: audit, actor: actor, reason: reason)
    }

    /// Reduces a certificate (SPEC §2.1): less scope, fewer sites or fewer standards, decided by a
    /// reviewer without an audit; a new revision supersedes the current one. Returns its revision.
    public func reduceCertificate(_ number: String, reviewer: String, reason: String, scope: String?,
                                  removingSites sites: [String], removingStandards standards: [StandardID]) throws -> Int {
        try requireReviewer(reviewer)
        try Central.requireLine(reason, "reason")
        let client = try clientOf(certificate: number)
        try requireImpartial([reviewer], client: client, as: "the reviewer deciding")
        return try database.transaction {
            let current = try certificate(number)
            let status = current.status(today: today)
            guard status == .active || status == .suspended else {
                throw CentralError.certificateStatus(number: number, status: status.rawValue, wanted: "reduced")
            }
            var terms = try currentTerms(of: number)
            if let scope {
                try Central.requireLine(scope, "scope")
                guard scope != terms.scope else { throw CentralError.nothingToReduce(number: number, what: "the scope is already \"\(scope)\"") }
                terms.scope = scope
            }
            for site in sites {
                guard terms.sites.contains(site) else {
                    throw CentralError.nothingToReduce(number: number, what: "it has no site \"\(site)\" (sites: \(terms.sites.joined(separator: "; ")))")
                }
                terms.sites.removeAll { $0 == site }
            }
            for standard in standards {
                guard terms.standards.contains(where: { $0.id == standard.rawValue }) else {
                    throw CentralError.nothingToReduce(number: number, what: "it does not name \(standard.rawValue)")
                }
                terms.standards.removeAll { $0.id == standard.rawValue }
            }
            guard scope != nil || !sites.isEmpty || !standards.isEmpty else {
                throw CentralError.nothingToReduce(number: number, what: "give --scope, --remove-site or --remove-standard")
            }
            guard !terms.sites.isEmpty else {
                throw CentralError.nothingToReduce(number: number, what: "a certificate keeps at least one site; withdraw it instead")
            }
            guard !terms.standards.isEmpty else {
                throw CentralError.nothingToReduce(number: number, what: "a certificate keeps at least one standard; withdraw it instead")
            }
            return try reviseCertificate(number, .reduced, terms: terms, actor: reviewer, reason: reason)
        }
    }

    func requireReviewer(_ reviewer: String) throws {
        guard let person = try auditor(reviewer) else { throw CentralError.unknownAuditor(reviewer) }
        guard person.has(.reviewer) else { throw CentralError.missingRole(auditor: reviewer, role: "reviewer") }
    }
}
