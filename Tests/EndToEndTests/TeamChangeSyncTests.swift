import FieldNode
import Foundation
import SQLiteKit
import XCTest

/// Teams change while `central serve` runs (SPEC §2.1), with real processes: a member added gets
/// the audit at the next sync; a member removed has the audit deleted from the laptop at the
/// next sync — proven by opening the laptop's SQLite file and evidence directory — while another
/// audit it holds, and the evidence that one shares, stay.
final class TeamChangeSyncTests: XCTestCase {
    var scenario: SyncScenario!
    private let removed = "A-2026-0001"
    private let kept = "A-2026-0002"

    override func setUpWithError() throws {
        scenario = try SyncScenario(prefix: "auditsync-teams", team: [("bob", "Bob Osei")])
        for step: [String] in [
            ["auditor", "add", "--id", "dan", "--name", "Dan Byrne", "--qualified", "iso42001:2023"],
            ["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage1",
             "--scope", "AI chat assistants", "--lead", "alice", "--auditor", "bob"],
        ] {
            let result = try CLI.run(["central"] + step + ["--data", scenario.data.path])
            XCTAssertEqual(result.status, 0, "\(result)")
        }
    }

    override func tearDown() {
        scenario.stop()
        super.tearDown()
    }

    func field(_ arguments: [String], _ laptop: URL) throws -> CLIResult {
        try CLI.run(["field"] + arguments + ["--data", laptop.path])
    }

    func central(_ arguments: [String]) throws -> CLIResult {
        try CLI.run(["central"] + arguments + ["--data", scenario.data.path])
    }

    func count(_ laptop: URL, _ sql: String) throws -> Int {
        let database = try Database(path: laptop.appending(path: FieldNode.databaseName).path)
        let query = try database.prepare(sql)
        defer { query.reset() }
        _ = try query.step()
        return query.int(0)
    }

    /// Rows of `table` whose key is the audit's or under it.
    func rows(of audit: String, in table: String, _ laptop: URL) throws -> Int {
        try count(laptop, "SELECT count(*) FROM \(table) WHERE key = '\(audit)' OR key LIKE '\(audit)/%'")
    }

    private func blob(_ bytes: [UInt8], on laptop: URL) -> URL {
        let name = SHA256Digest.hex(bytes)
        return laptop.appending(path: "blobs/sha256/\(name.prefix(2))/\(name)")
    }

    func testARemovedMembersLaptopDeletesTheAuditAndKeepsTheOtherAuditsEvidence() throws {
        let (_, port) = try scenario.serve()
        let (bob, _) = try scenario.enroll("bob", port: port)
        XCTAssertEqual(try field(["sync"], bob).status, 0)

        // Evidence: one file in both audits (stored once), one in the audit bob will leave.
        let shared = [UInt8]("the signed attendance sheet".utf8), only = [UInt8]("notes only audit 1 uses".utf8)
        let sharedFile = scenario.scratch.appending("attendance.txt"), onlyFile = scenario.scratch.appending("notes.txt")
        try Data(shared).write(to: sharedFile)
        try Data(only).write(to: onlyFile)
        for (audit, file) in [(removed, sharedFile), (kept, sharedFile), (removed, onlyFile)] {
            XCTAssertEqual(try field(["evidence", "add", "--audit", audit, file.path], bob).status, 0)
        }
        XCTAssertEqual(try field(["respond", "--audit", removed, "--item", "iso42001:2023/4.1", "--result", "conform"], bob).status, 0)
        let pushed = try field(["sync"], bob)
        XCTAssertEqual(pushed.status, 0, "\(pushed)")
        // Written offline after the last sync: it goes up, is refused, and goes with the audit.
        XCTAssertEqual(try field(["respond", "--audit", removed, "--item", "iso42001:2023/4.2", "--result", "conform"], bob).status, 0)
        XCTAssertGreaterThan(try rows(of: removed, in: "merge_log", bob), 0)

        let change = try central(["audit", "team", "--audit", removed, "--remove", "bob", "--json"])
        XCTAssertEqual(change.status, 0, "\(change)")
        let synced = try field(["sync", "--json"], bob)
        XCTAssertEqual(synced.status, 0, "refusals of a deleted audit hold nothing back: \(synced)")
        let summary = try jsonObject(synced)
        let gone = try XCTUnwrap((summary["removed"] as? [[String: Any]])?.first)
        XCTAssertEqual(gone["audit"] as? String, removed)
        XCTAssertEqual(gone["reason"] as? String, "you are no longer on the team of \(removed)")
        XCTAssertEqual(gone["evidence_files"] as? Int, 1)
        XCTAssertEqual((summary["refused"] as? [String])?.count, 3, "the unsent result (result, by, note) was refused")
        XCTAssertTrue(synced.stderr.contains("removed audit \(removed) from this laptop: you are no longer on the team of \(removed)"),
                      synced.stderr)

        // Nothing of the audit stays in the laptop's files.
        XCTAssertEqual(try rows(of: removed, in: "merge_log", bob), 0, "no log row")
        XCTAssertEqual(try rows(of: removed, in: "field_state", bob), 0, "no state row")
        XCTAssertEqual(try count(bob, "SELECT count(*) FROM postponed_records"), 0)
        XCTAssertEqual(try count(bob, "SELECT count(*) FROM field_config WHERE value LIKE '%\(removed)%'"), 0, "no sync note names it")
        XCTAssertFalse(FileManager.default.fileExists(atPath: blob(only, on: bob).path), "its own evidence is deleted")
        XCTAssertTrue(FileManager.default.fileExists(atPath: blob(shared, on: bob).path), "evidence the other audit uses stays")
        XCTAssertGreaterThan(try rows(of: kept, in: "field_state", bob), 0, "the other audit stays")

        let audits = try field(["audits", "--json"], bob)
        XCTAssertEqual((try jsonObject(audits)["audits"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [kept])
        XCTAssertEqual(try field(["audit", "show", "--audit", removed], bob).status, 1)

        // The central never sends it again.
        let again = try jsonObject(try field(["sync", "--json"], bob))
        XCTAssertEqual(again["received"] as? Int, 0)
        XCTAssertEqual((again["removed"] as? [Any])?.count, 0)
        XCTAssertEqual(try rows(of: removed, in: "merge_log", bob), 0)
    }

    func testAMemberAddedWhileTheCentralServesReceivesTheAuditAtTheirNextSync() throws {
        let (_, port) = try scenario.serve()
        let (dan, _) = try scenario.enroll("dan", port: port)
        XCTAssertEqual(try jsonObject(try field(["sync", "--json"], dan))["received"] as? Int, 0, "dan is on no team yet")
        XCTAssertEqual(try central(["audit", "team", "--audit", removed, "--add", "dan"]).status, 0)
        let synced = try jsonObject(try field(["sync", "--json"], dan))
        XCTAssertGreaterThan(synced["received"] as? Int ?? 0, 0)
        XCTAssertEqual(try scenario.fieldDocument(dan), try scenario.centralDocument(), "the audit arrived whole")
        XCTAssertEqual(try field(["respond", "--audit", removed, "--item", "iso42001:2023/4.1", "--result", "conform"], dan).status, 0)
        XCTAssertEqual(try jsonObject(try field(["sync", "--json"], dan))["refused"] as? [String], [], "the running central takes dan's work")
    }
}
