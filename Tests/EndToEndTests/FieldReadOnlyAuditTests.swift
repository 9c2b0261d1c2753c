import AuditReplica
import CentralNode
import FieldNode
import Foundation
import MergeCore
import ReplicaStore
import XCTest

/// A frozen audit on a laptop, end to end with real processes: the central freezes the audit (as
/// a decision will), the laptop syncs, shows the audit read-only with its reason, and refuses
/// every write command with exit status 1, writing nothing.
final class FieldReadOnlyAuditTests: XCTestCase {
    private var scenario: SyncScenario!
    private let reason = "decided on 2026-12-04: granted by carol, certificate CERT-2026-0001"

    override func setUpWithError() throws {
        scenario = try SyncScenario(prefix: "auditsync-read-only")
    }

    override func tearDown() {
        scenario.stop()
        super.tearDown()
    }

    private func field(_ arguments: [String], on laptop: URL) throws -> CLIResult {
        try CLI.run(["field"] + arguments + ["--data", laptop.path], timeout: 60)
    }

    func testALaptopShowsAFrozenAuditReadOnlyAndRefusesEveryWrite() throws {
        let audit = scenario.audit
        let (_, port) = try scenario.serve()
        let (laptop, _) = try scenario.enroll("alice", port: port)
        try sync(laptop)
        let finding = try XCTUnwrap(try jsonObject(try field(["finding", "add", "--audit", audit, "--item", "iso42001:2023/6.1.2",
                                                              "--grade", "minor", "--statement", "No risk criteria", "--json"],
                                                             on: laptop))["id"] as? String)
        try sync(laptop)

        // The freeze a decision writes, written by the central while it serves.
        try Central(opening: scenario.data).replica.writePlan([
            FieldWrite(AuditSchema.Entity.audit, audit, AuditSchema.AuditField.frozen, .text(reason)),
        ])
        try sync(laptop)

        let listing = try field(["audits"], on: laptop)
        assertSuccess(listing)
        XCTAssertTrue(listing.stdout.hasSuffix("0 of 70 items audited  read-only: \(reason)\n"), listing.stdout)
        let listed = try XCTUnwrap(try jsonObject(try field(["audits", "--json"], on: laptop))["audits"] as? [[String: Any]])
        XCTAssertEqual(listed.first?["frozen"] as? String, reason)
        let shown = try field(["audit", "show", "--audit", audit], on: laptop)
        XCTAssertTrue(shown.stdout.contains("\nread-only: \(reason); nothing more is written to it\n"), shown.stdout)
        XCTAssertTrue(try field(["checklist", "--audit", audit], on: laptop).stdout.hasPrefix(
            "audit \(audit): 0 of 70 items audited — read-only: \(reason)\n"))

        let photo = scenario.scratch.appending("photo.jpg")
        try Data("a photo".utf8).write(to: photo)
        let before = try field(["audit", "show", "--audit", audit, "--json"], on: laptop).stdout
        let records = try FieldNode(at: laptop).store.recordCount()
        let blobs = try blobFiles(of: laptop)
        let writes: [[String]] = [
            ["respond", "--audit", audit, "--item", "iso42001:2023/4.1", "--result", "conform", "--note", "seen"],
            ["finding", "add", "--audit", audit, "--item", "iso42001:2023/4.1", "--grade", "minor", "--statement", "x",
             "--evidence", photo.path],
            ["finding", "update", "--finding", finding, "--status", "responded", "--note", "plan agreed"],
            ["evidence", "add", "--audit", audit, photo.path],
            ["evidence", "add", "--audit", audit, "--finding", finding, photo.path],
            ["recommend", "--audit", audit, "--grant", "--note", "all good"],
        ]
        for write in writes {
            XCTAssertEqual(assertFailure(try field(write, on: laptop), status: 1),
                           "error: audit \(audit) is read-only (\(reason)); nothing more is written to it", "\(write)")
        }
        XCTAssertEqual(try FieldNode(at: laptop).store.recordCount(), records, "no record written")
        XCTAssertEqual(try blobFiles(of: laptop), blobs, "no evidence file copied in")
        XCTAssertEqual(try field(["audit", "show", "--audit", audit, "--json"], on: laptop).stdout, before)
        XCTAssertEqual(try jsonObject(try sync(laptop, json: true))["sent"] as? Int, 0, "nothing to send")
    }

    func testNotApplicableIsRefusedOnAMandatoryClauseAndTheChecklistMarksWhatMayBeExcluded() throws {
        let audit = scenario.audit
        let (_, port) = try scenario.serve()
        let (laptop, _) = try scenario.enroll("alice", port: port)
        try sync(laptop)
        XCTAssertEqual(assertFailure(try field(["respond", "--audit", audit, "--item", "iso42001:2023/4.2", "--result", "not-applicable",
                                                "--note", "No interested parties"], on: laptop), status: 1),
                       "error: iso42001:2023/4.2 cannot be not-applicable: ISO/IEC 42001:2023 does not let a client exclude it, so a "
                       + "grant would fail; record conform, or nonconform with a finding (`field checklist` marks the items that "
                       + "may be excluded)")
        assertSuccess(try field(["respond", "--audit", audit, "--item", "iso42001:2023/A.10.4", "--result", "not-applicable",
                                 "--note", "No external customers"], on: laptop))

        let lines = try field(["checklist", "--audit", audit], on: laptop).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first { $0.hasPrefix("iso42001:2023/A.10.4 ") }?.hasSuffix("(may be excluded) — No external customers"), true)
        XCTAssertEqual(lines.first { $0.hasPrefix("iso42001:2023/4.2 ") }?.contains("(may be excluded)"), false)
        let items = try XCTUnwrap(try jsonObject(try field(["checklist", "--audit", audit, "--json"], on: laptop))["items"]
                                  as? [[String: Any]])
        XCTAssertEqual(items.filter { $0["excludable"] as? Bool == true }.count, 38, "the 38 Annex A controls")
    }

    /// `field sync` (progress on stderr), which must succeed.
    @discardableResult
    private func sync(_ laptop: URL, json: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let result = try field(["sync"] + (json ? ["--json"] : []), on: laptop)
        XCTAssertEqual(result.status, 0, "\(result)", file: file, line: line)
        return result
    }

    private func blobFiles(of laptop: URL) throws -> [String] {
        let root = laptop.appendingPathComponent("blobs/sha256")
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.sorted()
    }
}
