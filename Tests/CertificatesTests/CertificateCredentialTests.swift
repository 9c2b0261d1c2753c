import CanonicalJSON
import Certificates
import TestSupport
import XCTest

final class CertificateCredentialTests: XCTestCase {
    private let data = CertificateFixtures.data
    private let url = CertificateFixtures.statusListURL

    func testThePayloadIsAVerifiableCredential() {
        let payload = CertificateCredential.payload(for: data, statusListURL: url)
        XCTAssertEqual(payload["@context"], ["https://www.w3.org/ns/credentials/v2"])
        XCTAssertEqual(payload["type"], ["VerifiableCredential", "CertificationCredential"])
        XCTAssertEqual(payload["issuer"], ["id": .string(CertificateFixtures.issuerID), "name": .string(CertificateFixtures.issuerName)])
        XCTAssertEqual(payload["validFrom"], "2026-03-02T00:00:00Z")
        XCTAssertEqual(payload["validUntil"], "2029-03-01T23:59:59Z")
        XCTAssertEqual(payload["credentialStatus"], [
            ["type": "BitstringStatusListEntry", "statusPurpose": "suspension", "statusListIndex": "4242",
             "statusListCredential": .string(url + "#suspension")],
            ["type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "4242",
             "statusListCredential": .string(url + "#revocation")],
            ["type": "BitstringStatusListEntry", "statusPurpose": "supersession", "statusListIndex": "4242",
             "statusListCredential": .string(url + "#supersession")],
        ])
        XCTAssertEqual(payload["credentialSubject"], [
            "number": "ECB-2026-0001", "issuerName": .string(CertificateFixtures.issuerName), "issuerID": .string(CertificateFixtures.issuerID),
            "clientName": "Acme Robotics GmbH", "sites": ["Hauptstraße 1, 10115 Berlin", "Rue de la Paix 2, 75002 Paris"],
            "scope": "Design, development and operation of AI-based inspection systems",
            "standards": [
                ["id": "iso42001:2023", "title": "Artificial intelligence — Management system"],
                ["id": "iso27001:2022", "title": "Information security management systems"],
            ],
            "originalIssueDate": "2023-03-02", "issueDate": "2026-03-02", "expiryDate": "2029-03-01", "revision": 1,
            "audit": "AUD-2026-0007", "statusIndex": 4242,
        ])
    }

    func testDataRoundTripsThroughThePayloadAndTheSignature() throws {
        XCTAssertEqual(try CertificateCredential.data(from: CertificateCredential.payload(for: data, statusListURL: url)), data)
        var random = SplitMix64(seed: 0xC3E7)
        for round in 0..<200 {
            let data = CertificateFixtures.randomData(&random)
            let payload = CertificateCredential.payload(for: data, statusListURL: url)
            XCTAssertEqual(try CertificateCredential.data(from: payload), data, "seed 0xC3E7, round \(round)")
            let (_, signed) = try JWS.verify(JWS.sign(payload, type: "vc+jwt", with: CertificateFixtures.key), keys: CertificateFixtures.keySet)
            XCTAssertEqual(signed, payload, "seed 0xC3E7, round \(round)")
        }
    }

    func testPayloadsThatAreNotThisCertificateAreRefusedWithAReason() {
        let payload = CertificateCredential.payload(for: data, statusListURL: url)
        func changed(_ path: [String], _ value: JSONValue?) -> JSONValue { Self.replacing(payload, at: path, with: value) }
        var wrong = data
        wrong.issueDate = "2026-02-30"
        var outOfOrder = data
        outOfOrder.expiryDate = "2025-01-01"
        let cases: [(JSONValue, String)] = [
            ("text", "not a JSON object"),
            (changed(["@context"], ["https://www.w3.org/2018/credentials/v1"]), "@context"),
            (changed(["@context"], nil), "@context"),
            (changed(["type"], ["VerifiableCredential"]), "CertificationCredential"),
            (changed(["type"], ["VerifiableCredential", "BitstringStatusListCredential"]), "CertificationCredential"),
            (changed(["issuer"], "urn:x"), "issuer"),
            (changed(["issuer", "name"], "Someone Else"), "issuer does not match"),
            (changed(["credentialSubject"], nil), "credentialSubject"),
            (changed(["credentialSubject", "clientName"], 7), "clientName"),
            (changed(["credentialSubject", "sites"], "one site"), "sites"),
            (changed(["credentialSubject", "sites"], [1]), "sites"),
            (changed(["credentialSubject", "standards"], [["id": "iso9001:2015"]]), "title"),
            (changed(["credentialSubject", "revision"], 1.5), "revision"),
            (changed(["credentialSubject", "revision"], -1), "negative"),
            (changed(["credentialSubject", "number"], ""), "no number"),
            (changed(["credentialSubject", "statusIndex"], "4242"), "statusIndex"),
            (changed(["credentialSubject", "issueDate"], "2026-3-2"), "not a date"),
            (changed(["credentialSubject", "expiryDate"], "2029-02-29"), "not a date"),
            (CertificateCredential.payload(for: wrong, statusListURL: url), "not a date"),
            (CertificateCredential.payload(for: outOfOrder, statusListURL: url), "out of order"),
            (changed(["validUntil"], "2099-01-01T00:00:00Z"), "validity period"),
            (changed(["validFrom"], nil), "validFrom"),
            (changed(["credentialStatus"], nil), "credentialStatus"),
            (changed(["credentialStatus"], [payload["credentialStatus"]!.elements![0]]), "one status entry"),
            (changed(["credentialStatus"], .array(payload["credentialStatus"]!.elements! + [payload["credentialStatus"]!.elements![0]])), "one status entry"),
            (changed(["credentialStatus"], [
                ["type": "BitstringStatusListEntry", "statusPurpose": "suspension", "statusListIndex": "4243", "statusListCredential": "x"],
                payload["credentialStatus"]!.elements![1],
            ]), "status index"),
            (changed(["credentialStatus"], [
                ["type": "BitstringStatusListEntry", "statusPurpose": "suspension", "statusListIndex": "04242", "statusListCredential": "x"],
                payload["credentialStatus"]!.elements![1],
            ]), "base-10"),
            (changed(["credentialStatus"], [
                ["type": "StatusList2021Entry", "statusPurpose": "suspension", "statusListIndex": "4242", "statusListCredential": "x"],
                payload["credentialStatus"]!.elements![1],
            ]), "BitstringStatusListEntry"),
        ]
        for (payload, expected) in cases {
            XCTAssertThrowsError(try CertificateCredential.data(from: payload), expected) { error in
                XCTAssertTrue("\(error)".contains(expected), "expected “\(expected)”, got: \(error)")
            }
        }
    }

    /// `value` put at `path` (nil removes the member).
    static func replacing(_ value: JSONValue, at path: [String], with replacement: JSONValue?) -> JSONValue {
        guard let name = path.first, case .object(var members) = value else { return replacement ?? .null }
        if path.count == 1 {
            members[name] = replacement
        } else {
            members[name] = replacing(members[name] ?? .null, at: Array(path.dropFirst()), with: replacement)
        }
        return .object(members)
    }
}
