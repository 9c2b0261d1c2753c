import CanonicalJSON
import Certificates
import HexEncoding
import TestSupport

/// Keys, certificates and status lists the tests share.
enum CertificateFixtures {
    static let statusListURL = "https://certification.example/status/1"
    static let issuerID = "urn:auditsync:central:00123456789abcde"
    static let issuerName = "Example Certification Body"

    /// A fixed key, so failures replay exactly.
    static let key = try! CertificateSigningKey(rawRepresentation: (0..<32).map { UInt8($0) &* 7 &+ 1 })
    static let otherKey = try! CertificateSigningKey(rawRepresentation: (0..<32).map { UInt8($0) &* 13 &+ 5 })
    static var keySet: JWKSet { JWKSet(keys: [key.publicJWK]) }

    static let data = CertificateData(
        number: "ECB-2026-0001", issuerName: issuerName, issuerID: issuerID, clientName: "Acme Robotics GmbH",
        sites: ["Hauptstraße 1, 10115 Berlin", "Rue de la Paix 2, 75002 Paris"],
        scope: "Design, development and operation of AI-based inspection systems",
        standards: [
            CertifiedStandard(id: "iso42001:2023", title: "Artificial intelligence — Management system"),
            CertifiedStandard(id: "iso27001:2022", title: "Information security management systems"),
        ],
        originalIssueDate: "2023-03-02", issueDate: "2026-03-02", expiryDate: "2029-03-01", revision: 1,
        audit: "AUD-2026-0007", statusIndex: 4242)

    static func certificate(_ data: CertificateData = data, key: CertificateSigningKey = key) -> String {
        JWS.sign(CertificateCredential.payload(for: data, statusListURL: statusListURL), type: "vc+jwt", with: key)
    }

    /// The signed status list credential for `purpose` with the given bits set.
    static func statusList(
        _ purpose: String, setting indexes: [Int] = [], key: CertificateSigningKey = key, url: String = statusListURL,
        issuerID: String = issuerID, validFrom: String = "2026-06-01T12:00:00.000Z", supersededBy: [Int: String] = [:]
    ) -> String {
        var list = StatusList()
        for index in indexes { list[index] = true }
        let payload = StatusListCredential.payload(list, purpose: purpose, url: url, issuerID: issuerID, issuerName: issuerName,
                                                   validFrom: validFrom, supersededBy: supersededBy)
        return JWS.sign(payload, type: "vc+jwt", with: key)
    }

    /// Random printable and not-so-printable text, for property tests.
    static func randomText(_ random: inout SplitMix64, maximumLength: Int = 24) -> String {
        let pool = Array("abcXYZ019 -_.,;:/\\\"'<>&é—🙂\n\t\u{0}{}[]".unicodeScalars)
        var text = ""
        for _ in 0..<Int.random(in: 0...maximumLength, using: &random) { text.unicodeScalars.append(pool.randomElement(using: &random)!) }
        return text
    }

    static func randomData(_ random: inout SplitMix64) -> CertificateData {
        let year = Int.random(in: 1990...2200, using: &random)
        let month = Int.random(in: 1...12, using: &random)
        let day = Int.random(in: 1...28, using: &random)
        func date(_ year: Int) -> String {
            let pad = { (value: Int, width: Int) in String(repeating: "0", count: width - String(value).count) + String(value) }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        }
        return CertificateData(
            number: "N-" + randomText(&random), issuerName: randomText(&random), issuerID: "urn:x:" + randomText(&random),
            clientName: randomText(&random), sites: (0..<Int.random(in: 0...3, using: &random)).map { _ in randomText(&random) },
            scope: randomText(&random, maximumLength: 200),
            standards: (0..<Int.random(in: 1...3, using: &random)).map { _ in CertifiedStandard(id: randomText(&random), title: randomText(&random)) },
            originalIssueDate: date(year - Int.random(in: 0...9, using: &random)), issueDate: date(year), expiryDate: date(year + 3),
            revision: Int.random(in: 0...20, using: &random), audit: randomText(&random),
            statusIndex: Int.random(in: 0..<StatusList.minimumLength, using: &random))
    }
}
