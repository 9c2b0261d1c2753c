import AuditDomain
import AuditReplica
import CanonicalJSON
import Certificates
import Foundation
import SQLiteKit
import Transport

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

    /// The current revision of every certificate, in issue order: one per certification (the
    /// revisions before it are superseded).
    public func certificates() throws -> [IssuedCertificate] {
        try revisions(where: "WHERE status != 'superseded' ORDER BY original_issue_on, number", [])
    }

    /// The current revision of `number`.
    public func certificate(_ number: String) throws -> IssuedCertificate {
        guard let found = try revisions(of: number).last else { throw CentralError.unknownCertificate(number) }
        return found
    }

    /// Every revision of `number`, oldest first.
    public func revisions(of number: String) throws -> [IssuedCertificate] {
        try revisions(where: "WHERE number = ?1 ORDER BY revision", [number])
    }

    /// Reads (and checks the signature of) each revision the clause selects.
    private func revisions(where clause: String, _ arguments: [String]) throws -> [IssuedCertificate] {
        let query = try database.prepare("SELECT credential, status, status_reason, status_changed_at FROM certificates \(clause)")
        for (index, argument) in arguments.enumerated() { query.bind(Int32(index + 1), argument) }
        var result: [IssuedCertificate] = []
        let keys = try publicKeys()
        try query.forEachRow { row in
            let (_, payload) = try JWS.verify(row.text(0), keys: keys)
            result.append(IssuedCertificate(data: try CertificateCredential.data(from: payload),
                                            recordedStatus: CertificateStatus(rawValue: row.text(1)) ?? .invalid,
                                            statusReason: row.optionalText(2), statusChangedAt: row.optionalText(3),
                                            credential: row.text(0)))
        }
        return result
    }

    /// The certificate's history, oldest first.
    public func events(of number: String) throws -> [CertificateEvent] {
        let query = try database.prepare("""
            SELECT revision, event, audit, actor, reason, at FROM certificate_events WHERE number = ?1 ORDER BY id
            """)
        query.bind(1, number)
        var events: [CertificateEvent] = []
        try query.forEachRow { row in
            guard let kind = CertificateEvent.Kind(rawValue: row.text(1)) else { return }
            events.append(CertificateEvent(number: number, revision: row.int(0), kind: kind, audit: row.optionalText(2),
                                           actor: row.optionalText(3), reason: row.optionalText(4), at: row.text(5)))
        }
        return events
    }

    /// The signed status lists (suspension, revocation, supersession), one compact JWS per line.
    public func signedStatusLists() throws -> String {
        // From the register's columns, without reading the credentials: every sync sends these.
        // The lists grow in whole bytes past the W3C minimum when there are more certificates.
        let needed = try scalar("SELECT coalesce(max(status_index) + 1, 0) FROM certificates", nil)
        let length = max(StatusList.minimumLength, (needed + 7) / 8 * 8)
        var lists = Dictionary(uniqueKeysWithValues: CertificateCredential.publishedPurposes.map { ($0, StatusList(length: length)) })
        var current: [String: (revision: Int, index: Int)] = [:]
        var superseded: [(number: String, index: Int)] = []
        let query = try database.prepare("SELECT number, revision, status_index, status FROM certificates ORDER BY number, revision")
        try query.forEachRow { row in
            let (number, revision, index, status) = (row.text(0), row.int(1), row.int(2), row.text(3))
            switch CertificateStatus(rawValue: status) {
            case .suspended?: lists["suspension"]![index] = true
            case .withdrawn?: lists["revocation"]![index] = true
            case .superseded?:
                lists[CertificateCredential.supersessionPurpose]![index] = true
                superseded.append((number, index))
            default: break
            }
            if status != CertificateStatus.superseded.rawValue { current[number] = (revision, index) }
        }
        var supersededBy: [Int: String] = [:]
        for (number, index) in superseded {
            supersededBy[index] = current[number].map { "revision \($0.revision) of \(number)" } ?? "a later revision of \(number)"
        }
        let key = try signingKey()
        let issuedAt = ISO8601.string(milliseconds: store.now())
        // Valid a week: every sync and export signs a fresh snapshot, and a laptop on site can
        // check certificates for that long offline; after it, a verifier refuses the snapshot.
        let validUntil = ISO8601.string(milliseconds: store.now() + Self.statusListValidity)
        return CertificateCredential.publishedPurposes.map { purpose in
            JWS.sign(StatusListCredential.payload(lists[purpose]!, purpose: purpose, url: statusListURL, issuerID: issuerID,
                                                  issuerName: (try? name) ?? "", validFrom: issuedAt, validUntil: validUntil,
                                                  supersededBy: purpose == CertificateCredential.supersessionPurpose ? supersededBy : [:]),
                     type: "vc+jwt", with: key)
        }.joined(separator: "\n") + "\n"
    }

    /// How long a signed status list snapshot stays valid, in milliseconds: seven days.
    static let statusListValidity: UInt64 = 7 * 86_400_000

    func scalar(_ sql: String, _ argument: String?) throws -> Int {
        let query = try database.prepare(sql)
        if let argument { query.bind(1, argument) }
        defer { query.reset() }
        _ = try query.step()
        return query.int(0)
    }
}
