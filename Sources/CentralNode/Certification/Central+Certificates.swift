import AuditDomain
import AuditReplica
import CanonicalJSON
import Certificates
import Foundation
import SQLiteKit
import Transport

/// A certificate as the central's register holds it.
public struct IssuedCertificate: Equatable, Sendable {
    public let data: CertificateData
    /// active, suspended or withdrawn as recorded; `expired` follows from the date.
    public let recordedStatus: CertificateStatus
    public let statusReason: String?
    /// The signed credential (compact JWS, `typ` `vc+jwt`).
    public let credential: String

    /// The status today: an expired certificate is expired whatever was recorded, unless withdrawn.
    public func status(today: String) -> CertificateStatus {
        if recordedStatus == .withdrawn { return .withdrawn }
        if data.expiryDate < today { return .expired }
        return recordedStatus
    }
}

extension Central {
    public static let signingKeyPath = "keys/certificate-signing.key"

    /// The Ed25519 key certificates and status lists are signed with, created on first use. Once
    /// it exists (the central notes that it made one), or once anything was signed with it, a
    /// missing or damaged key file is an error, never a reason to make a new key: laptops and
    /// third parties hold its public half, and every certificate names it.
    public func signingKey() throws -> CertificateSigningKey {
        let file = directory.appendingPathComponent(Self.signingKeyPath)
        if !FileManager.default.fileExists(atPath: file.path) {
            if try config(Self.signingKeyMadeKey) != nil || issuedCertificateCount() > 0 {
                throw CentralError.missingKey(path: file.path, what: "certificate signing key")
            }
            let key = try KeyFile.loadOrCreate(file) { CertificateSigningKey.generate().rawRepresentation }
            try setConfig(Self.signingKeyMadeKey, ISO8601DateFormatter().string(from: Date()))
            return try CertificateSigningKey(rawRepresentation: key)
        }
        do {
            return try CertificateSigningKey(rawRepresentation: try KeyFile.load(file))
        } catch let error as KeyFileError {
            if case .tooOpen = error { throw error }
            throw CentralError.missingKey(path: file.path, what: "certificate signing key")
        }
    }

    static let signingKeyMadeKey = "keys.signing_made_at"

    /// The JWK Set anyone verifies this central's certificates and status lists with.
    public func publicKeys() throws -> JWKSet {
        JWKSet(keys: [try signingKey().publicJWK])
    }

    /// Who issues: an identifier that stays with this central, and its name.
    var issuerID: String { "urn:auditsync:central:\(node.hex)" }

    /// Where a certificate says its status lists are published (the export's name; operators
    /// may publish it anywhere, `verify` takes the file).
    var statusListURL: String { "urn:auditsync:status-list:\(node.hex)" }

    /// UTC calendar date from the replica's clock.
    var today: String { ISO8601.date(milliseconds: store.now()) }

    /// Today (UTC), as certificates count their dates.
    public var todayUTC: String { today }

    /// Issues and signs the certificate of a granted audit (inside the decision's transaction).
    func issueCertificate(for plan: AuditPlan) throws -> String {
        let year = String(today.prefix(4))
        let count = try scalar("SELECT count(*) FROM certificates WHERE number LIKE ?1", "CERT-\(year)-%")
        let number = "CERT-\(year)-\(String(format: "%04d", count + 1))"
        let index = try scalar("SELECT coalesce(max(status_index) + 1, 0) FROM certificates", nil)
        // A recertification continues the client's earlier certificate for the same standards.
        let previous = try certificates().last {
            $0.data.clientName == plan.clientName && Set($0.data.standards.map(\.id)) == Set(certifiedStandards(plan).map(\.id))
        }
        let data = CertificateData(
            number: number, issuerName: try name, issuerID: issuerID, clientName: plan.clientName, sites: plan.sites,
            scope: plan.scope, standards: certifiedStandards(plan),
            originalIssueDate: previous?.data.originalIssueDate ?? today, issueDate: today,
            expiryDate: Self.date(today, addingYears: 3), revision: (previous?.data.revision ?? 0) + 1,
            audit: plan.id, statusIndex: index)
        let credential = JWS.sign(CertificateCredential.payload(for: data, statusListURL: statusListURL), type: "vc+jwt",
                                  with: try signingKey())
        let insert = try database.prepare("""
            INSERT INTO certificates(number, audit, client, status_index, issued_on, expires_on, original_issue_on, revision,
                                     status, credential)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'active', ?9)
            """)
        insert.bind(1, number)
        insert.bind(2, plan.id)
        insert.bind(3, plan.client)
        insert.bind(4, index)
        insert.bind(5, data.issueDate)
        insert.bind(6, data.expiryDate)
        insert.bind(7, data.originalIssueDate)
        insert.bind(8, data.revision)
        insert.bind(9, credential)
        try insert.run()
        return number
    }

    private func certifiedStandards(_ plan: AuditPlan) -> [CertifiedStandard] {
        plan.standards.compactMap { id in
            Catalog.standard(id).flatMap { $0.certifiable ? CertifiedStandard(id: id.rawValue, title: $0.title) : nil }
        }
    }

    /// Every certificate, in issue order.
    public func certificates() throws -> [IssuedCertificate] {
        try certificates(where: "", nil)
    }

    public func certificate(_ number: String) throws -> IssuedCertificate {
        guard let found = try certificates(where: "WHERE number = ?1", number).first else {
            throw CentralError.unknownCertificate(number)
        }
        return found
    }

    /// Reads (and checks the signature of) each certificate the clause selects.
    private func certificates(where clause: String, _ number: String?) throws -> [IssuedCertificate] {
        let query = try database.prepare("""
            SELECT credential, status, status_reason FROM certificates \(clause) ORDER BY issued_on, number
            """)
        if let number { query.bind(1, number) }
        var result: [IssuedCertificate] = []
        let keys = try publicKeys()
        try query.forEachRow { row in
            let (_, payload) = try JWS.verify(row.text(0), keys: keys)
            result.append(IssuedCertificate(data: try CertificateCredential.data(from: payload),
                                            recordedStatus: CertificateStatus(rawValue: row.text(1)) ?? .invalid,
                                            statusReason: row.optionalText(2), credential: row.text(0)))
        }
        return result
    }

    /// Suspends an active certificate.
    public func suspendCertificate(_ number: String, reason: String) throws {
        try changeStatus(number, to: .suspended, reason: reason, allowedFrom: [.active])
    }

    /// Lifts a suspension: the certificate is active again (unless it expired meanwhile).
    public func reinstateCertificate(_ number: String) throws {
        try changeStatus(number, to: .active, reason: nil, allowedFrom: [.suspended])
    }

    /// Withdraws a certificate for good.
    public func withdrawCertificate(_ number: String, reason: String) throws {
        try changeStatus(number, to: .withdrawn, reason: reason, allowedFrom: [.active, .suspended])
    }

    private func changeStatus(_ number: String, to status: CertificateStatus, reason: String?,
                              allowedFrom: Set<CertificateStatus>) throws {
        if let reason { try Central.requireLine(reason, "reason") }
        let current = try certificate(number).status(today: today)
        guard allowedFrom.contains(current) else {
            throw CentralError.certificateStatus(number: number, status: current.rawValue, wanted: status.rawValue)
        }
        let update = try database.prepare("""
            UPDATE certificates SET status = ?2, status_reason = ?3, status_changed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE number = ?1
            """)
        update.bind(1, number)
        update.bind(2, status.rawValue)
        update.bind(3, reason)
        try update.run()
    }

    /// The two signed status lists (suspension, then revocation), one compact JWS per line.
    public func signedStatusLists() throws -> String {
        // From the register's columns, without reading the credentials: every sync sends these.
        // The lists grow in whole bytes past the W3C minimum when there are more certificates.
        let needed = try scalar("SELECT coalesce(max(status_index) + 1, 0) FROM certificates", nil)
        let length = max(StatusList.minimumLength, (needed + 7) / 8 * 8)
        var suspension = StatusList(length: length)
        var revocation = StatusList(length: length)
        let query = try database.prepare("SELECT status_index, status FROM certificates WHERE status != 'active'")
        try query.forEachRow { row in
            let index = row.int(0)
            suspension[index] = row.text(1) == CertificateStatus.suspended.rawValue
            revocation[index] = row.text(1) == CertificateStatus.withdrawn.rawValue
        }
        let key = try signingKey()
        let issuedAt = ISO8601.string(milliseconds: store.now())
        return [("suspension", suspension), ("revocation", revocation)].map { purpose, list in
            JWS.sign(StatusListCredential.payload(list, purpose: purpose, url: statusListURL, issuerID: issuerID,
                                                  issuerName: (try? name) ?? "", validFrom: issuedAt),
                     type: "vc+jwt", with: key)
        }.joined(separator: "\n") + "\n"
    }

    private func scalar(_ sql: String, _ argument: String?) throws -> Int {
        let query = try database.prepare(sql)
        if let argument { query.bind(1, argument) }
        defer { query.reset() }
        _ = try query.step()
        return query.int(0)
    }

    /// `2026-02-28` three years on: the same day, or the 28th for a 29 February.
    static func date(_ day: String, addingYears years: Int) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return day }
        let year = parts[0] + years
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let dayOfMonth = parts[1] == 2 && parts[2] == 29 && !leap ? 28 : parts[2]
        return String(format: "%04d-%02d-%02d", year, parts[1], dayOfMonth)
    }
}
