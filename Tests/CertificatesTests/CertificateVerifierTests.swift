import CanonicalJSON
import Certificates
import HexEncoding
import XCTest

final class CertificateVerifierTests: XCTestCase {
    private typealias F = CertificateFixtures
    private let index = CertificateFixtures.data.statusIndex
    private let today = "2026-07-01"

    private func check(_ certificate: String = CertificateFixtures.certificate(), lists: [String], today: String? = nil,
                       keys: JWKSet = CertificateFixtures.keySet) -> (status: CertificateStatus, reason: String?) {
        CertificateVerifier.check(certificate: certificate, keys: keys, statusLists: lists, today: today ?? self.today)
    }

    func testActiveWithBothStatusLists() {
        let result = check(lists: [F.statusList("suspension"), F.statusList("revocation"), F.statusList("supersession")])
        XCTAssertEqual(result.status, .active)
        XCTAssertNil(result.reason)
        // A revision issued with a supersession entry says when that list was not given.
        let partial = check(lists: [F.statusList("suspension"), F.statusList("revocation")])
        XCTAssertEqual(partial.status, .active)
        XCTAssertEqual(partial.reason?.hasPrefix("supersession could not be checked"), true, partial.reason ?? "")
        // Other certificates' bits do not matter.
        XCTAssertEqual(check(lists: [F.statusList("suspension", setting: [index - 1, index + 1]), F.statusList("revocation", setting: [0])]).status, .active)
        // Valid through the expiry date itself, and from the issue date itself.
        XCTAssertEqual(check(lists: [F.statusList("suspension"), F.statusList("revocation")], today: "2029-03-01").status, .active)
        XCTAssertEqual(check(lists: [F.statusList("suspension"), F.statusList("revocation")], today: "2026-03-02").status, .active)
    }

    func testWithoutStatusListsTheReasonSaysTheStatusWasNotChecked() {
        let result = check(lists: [])
        XCTAssertEqual(result.status, .active)
        XCTAssertEqual(result.reason?.contains("could not be checked"), true, result.reason ?? "")
        XCTAssertEqual(result.reason?.contains("withdrawal, suspension and supersession could not be checked"), true, result.reason ?? "")
        let half = check(lists: [F.statusList("suspension"), F.statusList("supersession")])
        XCTAssertEqual(half.status, .active)
        XCTAssertEqual(half.reason?.hasPrefix("withdrawal could not be checked"), true, half.reason ?? "")
    }

    func testSuspended() {
        let result = check(lists: [F.statusList("suspension", setting: [index]), F.statusList("revocation")])
        XCTAssertEqual(result.status, .suspended)
        XCTAssertEqual(result.reason?.contains("suspended"), true, result.reason ?? "")
        // Lifting the suspension makes it active again.
        XCTAssertEqual(check(lists: [F.statusList("suspension"), F.statusList("revocation")]).status, .active)
    }

    func testWithdrawnOutranksSuspendedAndExpired() {
        let lists = [F.statusList("suspension", setting: [index]), F.statusList("revocation", setting: [index])]
        XCTAssertEqual(check(lists: lists).status, .withdrawn)
        XCTAssertEqual(check(lists: lists, today: "2030-01-01").status, .withdrawn)
        XCTAssertEqual(check(lists: [F.statusList("revocation", setting: [index])]).status, .withdrawn)
    }

    func testASupersededRevisionSaysSoAndNamesTheCurrentOne() {
        let supersession = F.statusList("supersession", setting: [index], supersededBy: [index: "revision 2 of ECB-2026-0001"])
        let result = check(lists: [F.statusList("suspension"), F.statusList("revocation"), supersession])
        XCTAssertEqual(result.status, .superseded)
        XCTAssertEqual(result.reason, "revision 1 of ECB-2026-0001 was replaced by revision 2 of ECB-2026-0001 and is no longer valid; "
                       + "check the current revision")
        // Withdrawal still outranks it; a clear supersession bit changes nothing.
        XCTAssertEqual(check(lists: [F.statusList("revocation", setting: [index]), supersession]).status, .withdrawn)
        XCTAssertEqual(check(lists: [F.statusList("suspension"), F.statusList("revocation"), F.statusList("supersession")]).status, .active)
    }

    func testACertificateIssuedBeforeSupersessionEntriesIsStillCoveredByTheList() throws {
        // The credential of before: two status entries only.
        var payload = CertificateCredential.payload(for: F.data, statusListURL: F.statusListURL)
        guard case .object(var members) = payload, case .array(let entries)? = members["credentialStatus"] else { return XCTFail() }
        members["credentialStatus"] = .array(Array(entries.prefix(2)))
        payload = .object(members)
        let old = JWS.sign(payload, type: "vc+jwt", with: F.key)
        XCTAssertEqual(check(old, lists: [F.statusList("suspension"), F.statusList("revocation")]).status, .active)
        XCTAssertNil(check(old, lists: [F.statusList("suspension"), F.statusList("revocation")]).reason,
                     "no supersession entry: nothing left unchecked")
        let supersession = F.statusList("supersession", setting: [index], supersededBy: [index: "revision 2 of ECB-2026-0001"])
        XCTAssertEqual(check(old, lists: [F.statusList("suspension"), F.statusList("revocation"), supersession]).status, .superseded)
    }

    func testExpiredTheDayAfterTheExpiryDate() {
        let result = check(lists: [F.statusList("suspension"), F.statusList("revocation")], today: "2029-03-02")
        XCTAssertEqual(result.status, .expired)
        XCTAssertEqual(result.reason?.contains("2029-03-01"), true, result.reason ?? "")
        XCTAssertEqual(check(lists: [], today: "2031-01-01").status, .expired)
    }

    func testInvalidCertificates() {
        let lists = [F.statusList("suspension"), F.statusList("revocation")]
        let certificate = F.certificate()
        var forgedData = F.data
        forgedData.scope = "Everything"
        let segments = certificate.split(separator: ".").map(String.init)
        let forged = [segments[0], Base64URL.encode(Array(CertificateCredential.payload(for: forgedData, statusListURL: F.statusListURL).encoded(pretty: false).utf8)), segments[2]]
            .joined(separator: ".")
        let notACertificate = JWS.sign(["hello": "world"], type: "vc+jwt", with: F.key)
        let wrongType = JWS.sign(CertificateCredential.payload(for: F.data, statusListURL: F.statusListURL), type: "JWT", with: F.key)
        let cases: [(String, JWKSet, String?, String)] = [
            (forged, F.keySet, nil, "does not verify"),
            (F.certificate(key: F.otherKey), F.keySet, nil, "not in the key set"),
            (certificate, JWKSet(keys: [F.otherKey.publicJWK]), nil, "not in the key set"),
            (notACertificate, F.keySet, nil, "cannot be read"),
            (wrongType, F.keySet, nil, "typ"),
            (F.statusList("revocation"), F.keySet, nil, "cannot be read"),
            ("", F.keySet, nil, "does not verify"),
            ("not a certificate at all", F.keySet, nil, "does not verify"),
            (certificate, F.keySet, "2026-03-01", "after today"),
            (certificate, F.keySet, "01/07/2026", "not a date"),
        ]
        for (text, keys, today, expected) in cases {
            let result = check(text, lists: lists, today: today, keys: keys)
            XCTAssertEqual(result.status, .invalid, expected)
            XCTAssertEqual(result.reason?.contains(expected), true, "expected “\(expected)”, got: \(result.reason ?? "nil")")
        }
        // Surrounding whitespace from a file is not a reason to refuse.
        XCTAssertEqual(check("\n" + certificate + "\n", lists: lists).status, .active)
    }

    func testStatusListsThatCannotBeTrustedAreNotUsed() {
        let revoked = [index]
        var marked = StatusList()
        marked[index] = true
        let suspensionNamedAsRevocation = StatusListCredential.payload(
            marked, purpose: "suspension", url: F.statusListURL, issuerID: F.issuerID, issuerName: F.issuerName, validFrom: "2026-06-01")
        let cases: [(String, String)] = [
            // Signed by a key outside the set: cannot be checked, so it cannot withdraw either.
            (F.statusList("revocation", setting: revoked, key: F.otherKey), "not in the key set"),
            // Another issuer's list, or a list other than the one the certificate names.
            (F.statusList("revocation", setting: revoked, issuerID: "urn:auditsync:central:ffffffffffffffff"), "no status list"),
            (F.statusList("revocation", setting: revoked, url: "https://elsewhere.example/status"), "no status list"),
            // A suspension list does not stand in for the revocation list.
            (JWS.sign(CertificateCredentialTests.replacing(suspensionNamedAsRevocation, at: ["id"], with: .string(F.statusListURL + "#revocation")),
                      type: "vc+jwt", with: F.key), "no status list"),
            ("garbage", "not a valid compact JWS"),
        ]
        for (list, expected) in cases {
            let result = check(lists: [F.statusList("suspension"), F.statusList("supersession"), list])
            XCTAssertEqual(result.status, .active, expected)
            XCTAssertEqual(result.reason?.contains("withdrawal could not be checked"), true, result.reason ?? "nil")
            XCTAssertEqual(result.reason?.contains(expected), true, "expected “\(expected)”, got: \(result.reason ?? "nil")")
        }
    }

    /// A status list past its `validUntil`, signed with the fixture key.
    private func staleList(_ purpose: String, setting indexes: [Int] = []) -> String {
        var list = StatusList()
        for index in indexes { list[index] = true }
        var payload = StatusListCredential.payload(list, purpose: purpose, url: F.statusListURL, issuerID: F.issuerID,
                                                   issuerName: F.issuerName, validFrom: "2026-01-01")
        if case .object(var members) = payload {
            members["validUntil"] = "2026-02-01T00:00:00Z"
            payload = .object(members)
        }
        return JWS.sign(payload, type: "vc+jwt", with: F.key)
    }

    func testAStaleStatusListIsRefusedNotTrusted() {
        // Stale and silent: the status is not known, so the certificate is not reported active.
        let stale = check(lists: [F.statusList("suspension"), F.statusList("supersession"), staleList("revocation")])
        XCTAssertEqual(stale.status, .invalid)
        XCTAssertEqual(stale.reason?.contains("revocation status list given was valid until 2026-02-01T00:00:00Z and is stale"), true,
                       stale.reason ?? "nil")
        // A withdrawal is for good: a stale list that says so still counts.
        XCTAssertEqual(check(lists: [F.statusList("suspension"), staleList("revocation", setting: [index])]).status, .withdrawn)
        // A current list beside the stale one decides.
        XCTAssertEqual(check(lists: [F.statusList("suspension"), F.statusList("supersession"), staleList("revocation"),
                                     F.statusList("revocation")]).status, .active)
    }

    func testTheNewestSnapshotOfAListCounts() {
        let older = F.statusList("suspension", setting: [index], validFrom: "2026-05-01T00:00:00.000Z")
        let newer = F.statusList("suspension", validFrom: "2026-06-01T00:00:00.000Z")
        let revocation = F.statusList("revocation")
        XCTAssertEqual(check(lists: [older, newer, revocation]).status, .active)
        XCTAssertEqual(check(lists: [newer, older, revocation]).status, .active)
        let resuspended = F.statusList("suspension", setting: [index], validFrom: "2026-06-15T00:00:00.000Z")
        XCTAssertEqual(check(lists: [newer, resuspended, revocation]).status, .suspended)
    }
}
