import AuditDomain
import AuditReplica
import CanonicalJSON
import Certificates
import Foundation
import SQLiteKit

/// What a revision of a certificate states beyond its number and the certification body.
struct RevisionTerms {
    var clientID: String
    var clientName: String
    var sites: [String]
    var scope: String
    var standards: [CertifiedStandard]
    var originalIssueDate: String
    var expiryDate: String
    /// The audit the decision rested on (for a reduction, the last audit's).
    var audit: String
    var documentSHA256: String?
}

extension Central {
    /// Revision 1 of a new certificate, for a granted initial audit (inside the decision's
    /// transaction). Returns its number.
    func issueCertificate(for plan: AuditPlan, documentSHA256: String, reviewer: String) throws -> String {
        let year = String(today.prefix(4))
        let last = try scalar("SELECT coalesce(max(CAST(substr(number, 11) AS INTEGER)), 0) FROM certificates WHERE number LIKE ?1",
                              "CERT-\(year)-%")
        let number = "CERT-\(year)-\(String(format: "%04d", last + 1))"
        let expiry = CalendarDate(today)!.adding(years: 3).description
        let terms = RevisionTerms(clientID: plan.client, clientName: plan.clientName, sites: plan.sites, scope: plan.scope,
                                  standards: certifiedStandards(plan.standards), originalIssueDate: today, expiryDate: expiry,
                                  audit: plan.id, documentSHA256: documentSHA256)
        try signRevision(number: number, revision: 1, terms)
        try recordEvent(number: number, revision: 1, .issued, audit: plan.id, actor: reviewer, reason: nil)
        return number
    }

    /// A new revision of `number` on `terms`, superseding the current one at once (inside the
    /// caller's transaction): never two valid revisions of one certification. A suspended
    /// certification stays suspended in its new revision unless `reinstating`.
    @discardableResult
    func reviseCertificate(_ number: String, _ kind: CertificateEvent.Kind, terms: RevisionTerms, actor: String,
                           reason: String?, reinstating: Bool = false) throws -> Int {
        let current = try certificate(number)
        let revision = current.data.revision + 1
        let carriedStatus = current.recordedStatus == .suspended && !reinstating ? CertificateStatus.suspended : .active
        let supersede = try database.prepare("""
            UPDATE certificates SET status = 'superseded', status_reason = ?3, status_changed_at = ?4 WHERE number = ?1 AND revision = ?2
            """)
        supersede.bind(1, number)
        supersede.bind(2, current.data.revision)
        supersede.bind(3, "replaced by revision \(revision)")
        supersede.bind(4, ISO8601.string(milliseconds: store.now()))
        try supersede.run()
        try signRevision(number: number, revision: revision, terms, status: carriedStatus,
                         statusReason: carriedStatus == .suspended ? current.statusReason : nil)
        try recordEvent(number: number, revision: current.data.revision, .superseded, audit: nil, actor: nil,
                        reason: "replaced by revision \(revision)")
        try recordEvent(number: number, revision: revision, kind, audit: terms.audit == current.data.audit ? nil : terms.audit,
                        actor: actor, reason: reason)
        return revision
    }

    /// The terms of the current revision, to change what a new one states.
    func currentTerms(of number: String) throws -> RevisionTerms {
        let current = try certificate(number)
        let data = current.data
        return RevisionTerms(clientID: try clientOf(certificate: number), clientName: data.clientName, sites: data.sites,
                             scope: data.scope, standards: data.standards, originalIssueDate: data.originalIssueDate,
                             expiryDate: data.expiryDate, audit: data.audit, documentSHA256: data.documentSHA256)
    }

    /// The client (id) a certificate was issued to.
    public func clientOf(certificate number: String) throws -> String {
        let query = try database.prepare("SELECT client FROM certificates WHERE number = ?1 ORDER BY revision DESC LIMIT 1")
        query.bind(1, number)
        defer { query.reset() }
        guard try query.step() else { throw CentralError.unknownCertificate(number) }
        return query.text(0)
    }

    func certifiedStandards(_ standards: [StandardID]) -> [CertifiedStandard] {
        standards.compactMap { id in
            Catalog.standard(id).flatMap { $0.certifiable ? CertifiedStandard(id: id.rawValue, title: $0.title) : nil }
        }
    }

    func recordEvent(number: String, revision: Int, _ kind: CertificateEvent.Kind, audit: String?, actor: String?,
                     reason: String?) throws {
        let insert = try database.prepare("""
            INSERT INTO certificate_events(number, revision, event, audit, actor, reason, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        insert.bind(1, number)
        insert.bind(2, revision)
        insert.bind(3, kind.rawValue)
        insert.bind(4, audit)
        insert.bind(5, actor)
        insert.bind(6, reason)
        insert.bind(7, ISO8601.string(milliseconds: store.now()))
        try insert.run()
    }

    /// Signs and stores one revision, issued today, with the next status list index.
    private func signRevision(number: String, revision: Int, _ terms: RevisionTerms, status: CertificateStatus = .active,
                              statusReason: String? = nil) throws {
        let index = try scalar("SELECT coalesce(max(status_index) + 1, 0) FROM certificates", nil)
        let data = CertificateData(
            number: number, issuerName: try name, issuerID: issuerID, clientName: terms.clientName, sites: terms.sites,
            scope: terms.scope, standards: terms.standards, originalIssueDate: terms.originalIssueDate, issueDate: today,
            expiryDate: terms.expiryDate, revision: revision, audit: terms.audit, statusIndex: index,
            documentSHA256: terms.documentSHA256)
        let credential = JWS.sign(CertificateCredential.payload(for: data, statusListURL: statusListURL), type: "vc+jwt",
                                  with: try signingKey())
        let insert = try database.prepare("""
            INSERT INTO certificates(number, revision, audit, client, status_index, issued_on, expires_on, original_issue_on,
                                     status, status_reason, credential)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """)
        insert.bind(1, number)
        insert.bind(2, revision)
        insert.bind(3, terms.audit)
        insert.bind(4, terms.clientID)
        insert.bind(5, index)
        insert.bind(6, data.issueDate)
        insert.bind(7, data.expiryDate)
        insert.bind(8, data.originalIssueDate)
        insert.bind(9, status.rawValue)
        insert.bind(10, statusReason)
        insert.bind(11, credential)
        try insert.run()
    }
}
