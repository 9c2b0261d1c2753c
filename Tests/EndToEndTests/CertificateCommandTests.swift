import AuditDomain
import AuditReplica
import CentralNode
import Crypto
import Foundation
import ReplicaStore
import XCTest

/// Certification end to end: `central decide` (its rules), the certificate register, exports,
/// status changes, and `verify` checking the exported files offline, as a third party would.
final class CertificateCommandTests: XCTestCase {
    private var scratch: ScratchDirectory!
    private var data: URL!
    private let audit = "A-2026-0001"

    override func setUpWithError() throws {
        scratch = try ScratchDirectory(prefix: "auditsync-cert")
        data = scratch.appending("central")
        for step: [String] in [
            ["init", "--name", "Example Certification Body"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso42001:2023"],
            ["auditor", "add", "--id", "bob", "--name", "Bob Osei", "--role", "reviewer"],
            ["auditor", "add", "--id", "carol", "--name", "Carol Ng", "--role", "reviewer"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "1 Main Street, Dublin"],
            ["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--standard", "iso23894:2023",
             "--kind", "stage2", "--scope", "AI hiring assistants", "--lead", "alice", "--auditor", "bob"],
        ] {
            XCTAssertEqual(try central(step).status, 0, "\(step)")
        }
    }

    private func central(_ arguments: [String]) throws -> CLIResult {
        try CLI.run(["central"] + arguments + ["--data", data.path])
    }

    /// Alice's team finishes the audit: every item of the certified standard, a minor finding
    /// taken to accepted, and her recommendation.
    private func completeTheAudit(recommend: Recommendation = .grant) throws {
        let node = try Central(opening: data)
        let alice = AuditReplica(store: node.store, evidence: node.replica.evidence, actor: "alice")
        for line in try alice.checklist(audit: audit) where line.item.standard.rawValue == "iso42001:2023" {
            try alice.recordResult(audit: audit, item: line.item.description, result: .conform, note: nil)
        }
        let finding = try alice.addFinding(audit: audit, item: "iso42001:2023/6.1.2", grade: .minor, statement: "Criteria not approved")
        try alice.updateFinding(finding, FindingUpdate(status: .responded, note: "Board approval scheduled"))
        try alice.updateFinding(finding, FindingUpdate(status: .accepted, note: "Plan adequate"))
        try alice.recommend(audit: audit, recommend, note: nil)
    }

    func testOnlyAnUninvolvedReviewerDecidesAndAGrantNeedsEveryRule() throws {
        let early = try central(["decide", "--audit", audit, "--reviewer", "carol", "--grant"])
        XCTAssertEqual(early.status, 1)
        XCTAssertTrue(early.stderr.hasPrefix("error: audit \(audit) cannot be granted yet: "), early.stderr)
        XCTAssertTrue(early.stderr.contains("items of iso42001:2023 have no result"), early.stderr)
        XCTAssertFalse(early.stderr.contains("iso23894"), "a reference standard is not certified: \(early.stderr)")
        XCTAssertTrue(early.stderr.contains("has not recorded a recommendation"), early.stderr)

        // Another audit of the client is refused, with its reason: decided once, for good.
        XCTAssertEqual(try central(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
                                    "--scope", "AI chat assistants", "--lead", "alice"]).status, 0)
        let other = "A-2026-0002"
        let refused = try central(["decide", "--audit", other, "--reviewer", "carol", "--refuse", "--reason", "audit unfinished", "--json"])
        XCTAssertEqual(refused.status, 0, "\(refused)")
        XCTAssertEqual(try jsonObject(refused)["decision"] as? String, "refuse")
        let again = try central(["decide", "--audit", other, "--reviewer", "carol", "--refuse", "--reason", "still unfinished"])
        XCTAssertTrue(assertFailure(again, status: 1).contains("already decided"), "\(again)")
        XCTAssertEqual(try Central(opening: data).decisions(audit: other).map(\.reason), ["audit unfinished"])

        try completeTheAudit()
        let teamMember = try central(["decide", "--audit", audit, "--reviewer", "bob", "--grant"])
        XCTAssertEqual(teamMember.status, 1)
        XCTAssertTrue(teamMember.stderr.contains("bob was on the team"), teamMember.stderr)
        XCTAssertEqual(try central(["decide", "--audit", audit, "--reviewer", "alice", "--grant"]).status, 1, "alice is no reviewer")
        XCTAssertEqual(try central(["decide", "--audit", audit, "--reviewer", "carol", "--grant", "--refuse"]).status, 2)
        let bare = try central(["decide", "--audit", audit, "--reviewer", "carol", "--refuse"])
        XCTAssertTrue(assertFailure(bare, status: 2).contains("a refusal needs --reason"), "\(bare)")

        let granted = try central(["decide", "--audit", audit, "--reviewer", "carol", "--grant", "--json"])
        XCTAssertEqual(granted.status, 0, "\(granted)")
        let number = try XCTUnwrap(try jsonObject(granted)["certificate"] as? String)
        XCTAssertTrue(number.matches("CERT-[0-9]{4}-0001"), number)
        XCTAssertEqual(try Central(opening: data).decisions(audit: audit).map(\.granted), [true])
        // The decision names the document it rested on: the SHA-256 of what `audit show --json`
        // prints — the decision froze the audit (in the same transaction), so it stays so.
        let document = try central(["audit", "show", "--audit", audit, "--json"]).stdout
        XCTAssertTrue(document.contains("\n  \"frozen\": \"decided on "), document)
        let shownDecision = try jsonObject(try central(["decision", "show", "--audit", audit, "--json"]))
        let entry = try XCTUnwrap((shownDecision["decisions"] as? [[String: Any]])?.first)
        XCTAssertEqual(entry["document_sha256"] as? String, SHA256.hash(data: Data(document.utf8)).map { String(format: "%02x", $0) }.joined())
        XCTAssertEqual(entry["reviewer_name"] as? String, "Carol Ng")
        XCTAssertEqual(entry["certificate"] as? String, number)
        XCTAssertTrue(try central(["decision", "show", "--audit", audit]).stdout.contains("granted by Carol Ng (carol)"))
        // Granting again would issue a second valid certificate for one certification: refused.
        let twice = try central(["decide", "--audit", audit, "--reviewer", "carol", "--grant"])
        XCTAssertTrue(assertFailure(twice, status: 1).contains("already decided"), "\(twice)")
        XCTAssertEqual(try Central(opening: data).certificates().count, 1)
        let status = try central(["status", "--json"])
        XCTAssertEqual(try jsonObject(status)["certificates"] as? Int, 1, "\(status)")
        XCTAssertTrue(try central(["status"]).stdout.contains("certificates: 1 issued (1 active)"))

        let shown = try jsonObject(try central(["certificate", "show", number, "--json"]))
        XCTAssertEqual(shown["status"] as? String, "active")
        XCTAssertEqual((shown["standards"] as? [[String: Any]])?.map { $0["id"] as? String }, ["iso42001:2023"])
        XCTAssertEqual(shown["revision"] as? Int, 1)
        let issued = try XCTUnwrap(shown["issued"] as? String)
        XCTAssertEqual(shown["expires"] as? String, String(Int(issued.prefix(4))! + 3) + issued.dropFirst(4))
    }

    func testExportedFilesVerifyOfflineAndFollowSuspensionAndWithdrawal() throws {
        try completeTheAudit()
        let number = try XCTUnwrap(try jsonObject(try central(["decide", "--audit", audit, "--reviewer", "carol", "--grant", "--json"]))["certificate"] as? String)
        let files = (certificate: scratch.appending("cert.jwt"), html: scratch.appending("cert.html"),
                     keys: scratch.appending("keys.jwks"), status: scratch.appending("status.jwt"))
        XCTAssertEqual(try central(["certificate", "export", number, "--out", files.certificate.path]).status, 0)
        XCTAssertEqual(try central(["certificate", "export", number, "--format", "html", "--out", files.html.path]).status, 0)
        XCTAssertEqual(try central(["keys", "export", "--out", files.keys.path]).status, 0)
        let html = try String(contentsOf: files.html, encoding: .utf8)
        XCTAssertTrue(html.contains(number) && html.contains("Acme AI Ltd"), "the printable certificate shows its number")

        func verify(expect status: String, exit: Int32, file: StaticString = #filePath, line: UInt = #line) throws {
            XCTAssertEqual(try central(["status-list", "export", "--out", files.status.path]).status, 0)
            let result = try CLI.run(["verify", files.certificate.path, "--keys", files.keys.path, "--status-list", files.status.path,
                                      "--json", "--data", scratch.appending("nowhere").path])
            XCTAssertEqual(result.status, exit, "\(result)", file: file, line: line)
            XCTAssertEqual(try jsonObject(result)["status"] as? String, status, file: file, line: line)
        }
        try verify(expect: "active", exit: 0)
        XCTAssertEqual(try central(["certificate", "suspend", number, "--reason", "surveillance overdue"]).status, 0)
        try verify(expect: "suspended", exit: 1)
        XCTAssertEqual(try central(["certificate", "reinstate", number]).status, 0)
        try verify(expect: "active", exit: 0)
        XCTAssertEqual(try central(["certificate", "withdraw", number, "--reason", "client left the scheme"]).status, 0)
        try verify(expect: "withdrawn", exit: 1)
        let again = try central(["certificate", "reinstate", number])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("is withdrawn; it cannot become active"), again.stderr)

        // A changed byte, or another central's keys: invalid.
        var tampered = Array(try String(contentsOf: files.certificate, encoding: .utf8))
        tampered[tampered.count / 2] = tampered[tampered.count / 2] == "A" ? "B" : "A"
        try String(tampered).write(to: files.certificate, atomically: true, encoding: .utf8)
        let forged = try CLI.run(["verify", files.certificate.path, "--keys", files.keys.path, "--json", "--data", scratch.appending("nowhere").path])
        XCTAssertEqual(forged.status, 1)
        XCTAssertEqual(try jsonObject(forged)["status"] as? String, "invalid")
    }

    func testVerifyWithoutKeysSaysWhatItNeeds() throws {
        let lonely = scratch.appending("lonely.jwt")
        try "x.y.z".write(to: lonely, atomically: true, encoding: .utf8)
        let result = try CLI.run(["verify", lonely.path, "--data", scratch.appending("nowhere").path])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("pass --keys"), result.stderr)
    }
}
