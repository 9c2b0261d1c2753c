import AuditDomain
import AuditReplica
import CanonicalJSON
import CentralNode
import FieldNode
import Foundation
import MergeCore
import ReplicaStore
import Transport
import XCTest

/// `field sync` end to end: a real `central serve`, laptops enrolled with `field init`, work
/// done on each laptop offline, then synced with the real command. The team's replicas and the
/// central must end byte-identical, conflicts kept, evidence carried, and a laptop outside the
/// team must get nothing and be refused what it forges.
final class FieldSyncTests: XCTestCase {
    private var server: ServerProcess?
    private var scratch: ScratchDirectory!
    private var data: URL!
    private var port: UInt16 = 0

    override func setUpWithError() throws {
        scratch = try ScratchDirectory(prefix: "auditsync-sync")
        data = scratch.appending("central")
        let steps: [[String]] = [
            ["init", "--name", "Sync Test Body", "--listen", "127.0.0.1:0"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso42001:2023"],
            ["auditor", "add", "--id", "bob", "--name", "Bob Osei"],
            ["auditor", "add", "--id", "eve", "--name", "Eve Outsider"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin"],
            ["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
             "--scope", "AI hiring assistants", "--lead", "alice", "--auditor", "bob"],
        ]
        for step in steps {
            let result = try CLI.run(["central"] + step + ["--data", data.path])
            XCTAssertEqual(result.status, 0, "\(step)\n\(result)")
        }
        let process = try ServerProcess(["central", "serve", "--listen", "127.0.0.1:0", "--data", data.path])
        server = process
        let line = try XCTUnwrap(process.firstStdoutLine(timeout: 15), process.transcript)
        port = try XCTUnwrap(line.split(separator: ":").last.flatMap { UInt16($0) })
    }

    override func tearDown() {
        if let server, server.isRunning { server.kill() }
        super.tearDown()
    }

    private func enroll(_ auditor: String) throws -> URL {
        let token = try CLI.run(["central", "enroll", "--auditor", auditor, "--address", "127.0.0.1:\(port)", "--json",
                                 "--data", data.path])
        let text = try XCTUnwrap(try jsonObject(token)["token"] as? String)
        let laptop = scratch.appending(auditor)
        XCTAssertEqual(try CLI.run(["field", "init", "--token", text, "--data", laptop.path]).status, 0)
        return laptop
    }

    private func sync(_ laptop: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let result = try CLI.run(["field", "sync", "--json", "--data", laptop.path])
        XCTAssertEqual(result.status, 0, "\(result)\n\(server?.transcript ?? "")", file: file, line: line)
        return try jsonObject(result)
    }

    private func document(_ laptop: URL) throws -> String {
        try FieldNode(at: laptop).replica().document(audit: "A-2026-0001").encoded(pretty: true) + "\n"
    }

    func testTheTeamConvergesWithConflictsKeptAndEvidenceCarried() throws {
        let alice = try enroll("alice"), bob = try enroll("bob")
        XCTAssertEqual(try sync(alice)["received"] as? Int, 8, "the audit's plan arrives")
        XCTAssertEqual(try sync(bob)["received"] as? Int, 8)

        // Offline, both record the same item; alice attaches a photo to a finding.
        let item = "iso42001:2023/4.1"
        try FieldNode(at: alice).replica().recordResult(audit: "A-2026-0001", item: item, result: .nonconform, note: "no risk process")
        let photo = scratch.appending("whiteboard.jpg")
        try Data((0..<2_500_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: photo)   // three pieces
        let aliceReplica = try FieldNode(at: alice).replica()
        let finding = try aliceReplica.addFinding(audit: "A-2026-0001", item: item, grade: .minor, statement: "Risk criteria undefined")
        _ = try aliceReplica.addEvidence(audit: "A-2026-0001", finding: finding, file: photo)
        try FieldNode(at: bob).replica().recordResult(audit: "A-2026-0001", item: item, result: .conform, note: nil)

        let first = try sync(alice)
        XCTAssertGreaterThan(first["sent"] as? Int ?? 0, 0)
        XCTAssertEqual(first["blobs"] as? Int, 1, "the photo goes up")
        let second = try sync(bob)
        XCTAssertGreaterThan(second["conflicts"] as? Int ?? 0, 0, "the concurrent result is kept as a conflict")
        XCTAssertEqual(second["blobs"] as? Int, 1, "the photo comes down")
        XCTAssertGreaterThan(try sync(alice)["received"] as? Int ?? 0, 0, "bob's result reaches alice")
        XCTAssertEqual(try sync(alice)["received"] as? Int, 0, "a second sync has nothing new")

        let central = try CLI.run(["central", "audit", "show", "--audit", "A-2026-0001", "--json", "--data", data.path]).stdout
        XCTAssertEqual(try document(alice), central)
        XCTAssertEqual(try document(bob), central)
        let conflicts = try FieldNode(at: bob).replica().conflicts(audit: "A-2026-0001")
        XCTAssertTrue(conflicts.contains { $0.member == item && $0.field == "result" }, "\(conflicts)")
        let blobs = try FieldNode(at: bob).referencedBlobsForTesting()
        XCTAssertEqual(blobs.count, 1)
        XCTAssertTrue(EvidenceStore(root: bob.appending(path: "blobs")).verify(blobs[0]), "the photo arrived whole")
    }

    func testAnOutsiderGetsNothingAndWhatItForgesIsRefusedAndKept() throws {
        let eve = try enroll("eve")
        let synced = try sync(eve)
        XCTAssertEqual(synced["received"] as? Int, 0, "eve is on no team")
        // Eve writes into an audit she is not on (no replica check can stop a forged file).
        let node = try FieldNode(at: eve)
        try node.store.write([FieldWrite("item", "A-2026-0001/iso42001:2023/4.1", "result", .text("conform"))])
        let forged = try CLI.run(["field", "sync", "--json", "--data", eve.path])
        XCTAssertEqual(forged.status, 5, "work that did not go up is held back: \(forged)")
        let answer = try jsonObject(forged)
        XCTAssertEqual(answer["sent"] as? Int, 0)
        let refused = try XCTUnwrap(answer["refused"] as? [String])
        XCTAssertEqual(refused.count, 1)
        XCTAssertTrue(refused[0].contains("not on the team of audit A-2026-0001"), refused[0])
        XCTAssertTrue(forged.stderr.contains("refused by the central"), forged.stderr)
        XCTAssertEqual(try node.store.recordCount(), 1, "the refused record stays on the laptop")
        let central = try CLI.run(["central", "audit", "show", "--audit", "A-2026-0001", "--json", "--data", data.path])
        XCTAssertTrue(central.stdout.contains("\"conform\": 0"), "the central took nothing")
    }

    func testCentralStatusShowsTheAuditsProgressAndWhenEachLaptopLastSynced() throws {
        let alice = try enroll("alice")
        _ = try enroll("bob")
        _ = try sync(alice)
        try FieldNode(at: alice).replica().recordResult(audit: "A-2026-0001", item: "iso42001:2023/4.1", result: .conform, note: nil)
        _ = try sync(alice)
        let status = try CLI.run(["central", "status", "--data", data.path])
        XCTAssertEqual(status.status, 0, "\(status)")
        let lines = status.stdout.components(separatedBy: "\n")
        XCTAssertTrue(lines[0].hasPrefix("Sync Test Body — central node "), status.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("  A-2026-0001  stage2  Acme AI Ltd (C-0001)") && $0.hasSuffix("1 of 70 items audited") },
                      status.stdout)
        XCTAssertTrue(lines.contains("field nodes: 2 enrolled, 0 revoked"), status.stdout)
        XCTAssertTrue(lines.contains { $0.contains("  bob  ") && $0.hasSuffix("last seen never") }, status.stdout)
        let json = try jsonObject(try CLI.run(["central", "status", "--json", "--data", data.path]))
        let nodes = try XCTUnwrap(json["nodes"] as? [[String: Any]])
        XCTAssertNotNil(nodes.first { $0["auditor"] as? String == "alice" }?["last_seen"], "alice's sync is noted")
        XCTAssertNil(nodes.first { $0["auditor"] as? String == "bob" }?["last_seen"])
        XCTAssertEqual((json["audits"] as? [[String: Any]])?.first?["audited"] as? Int, 1)
    }

    func testWorkStampedByAClockTooFarAheadIsHeldBackWhileItRunsAheadThenReStampedAndTaken() throws {
        let alice = try enroll("alice")
        _ = try sync(alice)
        // The laptop's clock runs 20 minutes fast when alice records a result, and still when
        // she syncs: the central takes it for later only, every time.
        let fast = try FieldNode(at: alice, now: { ReplicaStore.wallClockMilliseconds() + 20 * 60_000 })
        try fast.replica().recordResult(audit: "A-2026-0001", item: "iso42001:2023/4.2", result: .conform, note: nil)
        for attempt in 1...2 {
            let result = try CLI.run(shiftedBy: "+20m", ["field", "sync", "--json", "--data", alice.path])
            XCTAssertEqual(result.status, 5, "held back: \(result)")
            let summary = try jsonObject(result)
            XCTAssertEqual(summary["sent"] as? Int, 0, "attempt \(attempt)")
            XCTAssertEqual((summary["postponed"] as? [String])?.count, 3, "the result, its note and its author, attempt \(attempt)")
            XCTAssertEqual((summary["refused"] as? [String])?.count, 0)
            XCTAssertTrue(result.stderr.contains("held back (check this laptop's clock)"), result.stderr)
        }
        // Nothing was dropped: the records wait in the laptop's log, and its push position did
        // not move past them.
        XCTAssertEqual(try FieldNode(at: alice).store.lastLocalSequence(), try FieldNode(at: alice).store.lastSequence())
        // The clock is right again: what it stamped ahead, nobody holds; it is re-stamped and taken.
        let fixed = try CLI.run(["field", "sync", "--json", "--data", alice.path])
        XCTAssertEqual(fixed.status, 0, "\(fixed)")
        XCTAssertEqual(try jsonObject(fixed)["sent"] as? Int, 3, "\(fixed)")
        XCTAssertEqual(try FieldNode(at: alice).store.restamps().count, 3)
    }

    func testALaptopWhoseClockIsBehindRefusesTheCentralsRecordsUntilItIsFixedAndLosesNone() throws {
        let alice = try enroll("alice")
        // Twenty minutes slow: the central's records look stamped in the future.
        let slow = try FieldNode(at: alice, now: { ReplicaStore.wallClockMilliseconds() - 20 * 60_000 })
        let result = try CLI.run(["field", "sync", "--data", alice.path])   // the command itself uses the real clock
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertEqual(try FieldNode(at: alice).store.recordCount(), 8)
        // Now the slow laptop pulls records written after that sync.
        try Central(opening: data).store.write([FieldWrite("note", "A-2026-0001/N-1", "text", .text("written at the central"))])
        let loop = EventLoop(name: "slow-laptop")
        defer { loop.shutdown() }
        XCTAssertThrowsError(try slow.sync(on: loop)) { error in
            XCTAssertTrue("\(error)".contains("check its clock"), "\(error)")
        }
        XCTAssertEqual(try slow.store.recordCount(), 8, "nothing taken from the refused batch's future")
        // Clock fixed: the same records arrive.
        let fixed = try CLI.run(["field", "sync", "--json", "--data", alice.path])
        XCTAssertEqual(try jsonObject(fixed)["received"] as? Int, 1, "\(fixed)")
    }

    func testALaptopVerifiesCertificatesOfflineWithWhatItsLastSyncBrought() throws {
        XCTAssertEqual(try CLI.run(["central", "auditor", "add", "--id", "carol", "--name", "Carol Ng", "--role", "reviewer",
                                    "--data", data.path]).status, 0)
        let central = try Central(opening: data)
        let lead = AuditReplica(store: central.store, evidence: central.replica.evidence, actor: "alice")
        for line in try lead.checklist(audit: "A-2026-0001") {
            try lead.recordResult(audit: "A-2026-0001", item: line.item.description, result: .conform, note: nil)
        }
        try lead.recommend(audit: "A-2026-0001", .grant, note: nil)
        let decision = try CLI.run(["central", "decide", "--audit", "A-2026-0001", "--reviewer", "carol", "--grant", "--json",
                                    "--data", data.path])
        let number = try XCTUnwrap(try jsonObject(decision)["certificate"] as? String, "\(decision)")
        let file = scratch.appending("certificate.jwt")
        XCTAssertEqual(try CLI.run(["central", "certificate", "export", number, "--out", file.path, "--data", data.path]).status, 0)

        let laptop = try enroll("bob")
        func verify() throws -> String {
            try jsonObject(try CLI.run(["verify", file.path, "--json", "--data", laptop.path]))["status"] as? String ?? ""
        }
        XCTAssertEqual(try CLI.run(["verify", file.path, "--data", laptop.path]).status, 2, "no keys before the first sync")
        _ = try sync(laptop)
        XCTAssertEqual(try verify(), "active")
        XCTAssertEqual(try CLI.run(["central", "certificate", "suspend", number, "--reason", "overdue", "--data", data.path]).status, 0)
        XCTAssertEqual(try verify(), "active", "offline, the laptop knows only the lists of its last sync")
        _ = try sync(laptop)
        XCTAssertEqual(try verify(), "suspended")
    }

    func testSyncBeforeEnrollmentOrWithoutANodeIsAClearError() throws {
        let nowhere = try CLI.run(["field", "sync", "--data", scratch.appending("nobody").path])
        XCTAssertEqual(nowhere.status, 1)
        XCTAssertTrue(nowhere.stderr.hasPrefix("error: no field node in"), nowhere.stderr)
    }
}
