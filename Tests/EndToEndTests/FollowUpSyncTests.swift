import AuditReplica
import CentralNode
import Foundation
import XCTest

/// Follow-up between teams with real processes (SPEC §2.1): after the grant, a surveillance team's
/// laptop receives the stage 2 audit read-only with its accepted minor carried, refuses local
/// writes to stage 2, closes the carried finding in the surveillance audit, and the central
/// refuses what the stage 2 lead wrote offline after the decision — listing it, losing nothing.
final class FollowUpSyncTests: XCTestCase {
    private var scenario: SyncScenario!

    override func setUpWithError() throws {
        scenario = try SyncScenario(prefix: "auditsync-follow-up")
    }

    override func tearDown() {
        scenario?.stop()
    }

    private func field(_ laptop: URL, _ arguments: [String]) throws -> CLIResult {
        try CLI.run(["field"] + arguments + ["--data", laptop.path])
    }

    private func central(_ arguments: [String]) throws -> CLIResult {
        try CLI.run(["central"] + arguments + ["--data", scenario.data.path])
    }

    func testASurveillanceTeamFollowsUpStageTwoReadOnlyAndClosesItsCarriedFinding() throws {
        let stage2 = scenario.audit
        let (_, port) = try scenario.serve()
        let (alice, _) = try scenario.enroll("alice", port: port)
        XCTAssertEqual(try field(alice, ["sync"]).status, 0)

        // Alice's team: a minor finding taken to accepted on the laptop, the checklist, the recommendation.
        let added = try field(alice, ["finding", "add", "--audit", stage2, "--item", "iso42001:2023/7.2", "--grade", "minor",
                                      "--statement", "Training records incomplete", "--json"])
        let minor = try XCTUnwrap(try jsonObject(added)["id"] as? String)
        for (status, note) in [("responded", "Records to be completed by March"), ("accepted", "Plan adequate")] {
            XCTAssertEqual(try field(alice, ["finding", "update", "--finding", minor, "--status", status, "--note", note]).status, 0)
        }
        do {
            let node = try Central(opening: scenario.data)
            let lead = AuditReplica(store: node.store, evidence: node.replica.evidence, actor: "alice")
            for line in try lead.checklist(audit: stage2) where line.item.standard.rawValue == "iso42001:2023" {
                try lead.recordResult(audit: stage2, item: line.item.description, result: .conform, note: nil)
            }
        }
        XCTAssertEqual(try field(alice, ["recommend", "--audit", stage2, "--grant"]).status, 0)
        XCTAssertEqual(try field(alice, ["sync"]).status, 0)

        for step: [String] in [
            ["auditor", "add", "--id", "carol", "--name", "Carol Ng", "--role", "reviewer"],
            ["auditor", "add", "--id", "dana", "--name", "Dana Holt", "--role", "lead", "--qualified", "iso42001:2023"],
        ] { XCTAssertEqual(try central(step).status, 0, "\(step)") }
        let grant = try central(["decide", "--audit", stage2, "--reviewer", "carol", "--grant", "--json"])
        let number = try XCTUnwrap(try jsonObject(grant)["certificate"] as? String, "\(grant)")

        // Offline after the decision, alice adds a note to stage 2: her laptop does not know yet.
        XCTAssertEqual(try field(alice, ["respond", "--audit", stage2, "--item", "iso42001:2023/4.1", "--result", "conform",
                                         "--note", "second look"]).status, 0)

        // The surveillance is planned while the central serves; dana's laptop receives both audits.
        let created = try central(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "surveillance",
                                   "--certificate", number, "--scope", "AI hiring assistants", "--lead", "dana", "--json"])
        let surveillance = try XCTUnwrap(try jsonObject(created)["id"] as? String, "\(created)")
        let (dana, _) = try scenario.enroll("dana", port: port)
        XCTAssertEqual(try field(dana, ["sync"]).status, 0)
        let held = try jsonObject(try field(dana, ["audits", "--json"]))["audits"] as? [[String: Any]] ?? []
        XCTAssertEqual(held.compactMap { $0["id"] as? String }, [stage2, surveillance])
        XCTAssertEqual(try scenario.fieldDocument(dana), try scenario.centralDocument(), "stage 2 as the central holds it")

        let write = try field(dana, ["respond", "--audit", stage2, "--item", "iso42001:2023/4.1", "--result", "nonconform"])
        XCTAssertEqual(write.status, 1)
        XCTAssertTrue(write.stderr.contains("audit \(stage2) is read-only (decided on "), write.stderr)

        let document = try jsonObject(try field(dana, ["audit", "show", "--audit", surveillance, "--json"]))
        let carried = try XCTUnwrap((document["findings"] as? [[String: Any]])?.first)
        XCTAssertEqual(carried["carried_from"] as? String, "\(stage2)/\(minor)")
        XCTAssertEqual(carried["status"] as? String, "accepted")
        let carriedID = try XCTUnwrap(carried["id"] as? String)
        XCTAssertEqual(try field(dana, ["finding", "update", "--finding", carriedID, "--status", "closed",
                                        "--note", "Records complete for all staff"]).status, 0)
        XCTAssertEqual(try field(dana, ["sync"]).status, 0)
        let atCentral = try jsonObject(try central(["audit", "show", "--audit", surveillance, "--json"]))
        XCTAssertEqual((atCentral["findings"] as? [[String: Any]])?.first?["status"] as? String, "closed")

        // Alice's late write reaches a frozen audit: refused, said why, kept on her laptop (exit 5).
        let late = try field(alice, ["sync", "--json"])
        XCTAssertEqual(late.status, 5, "\(late)")
        let refused = try jsonObject(late)["refused"] as? [String] ?? []
        XCTAssertFalse(refused.isEmpty)
        XCTAssertTrue(refused.allSatisfy { $0.contains("is read-only (decided on") }, "\(refused)")
        XCTAssertEqual(try scenario.fieldDocument(alice).contains("second look"), true, "her write stays on her laptop")
        XCTAssertFalse(try scenario.centralDocument().contains("second look"))
    }
}
