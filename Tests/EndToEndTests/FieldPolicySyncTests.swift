import AuditDomain
import AuditReplica
import CentralNode
import FieldNode
import Foundation
import MergeCore
import ReplicaStore
import XCTest

/// The central's record policy as a real laptop meets it through `field sync`: a modified
/// laptop's forged author is refused and named, the work stays on the laptop; a valid change
/// never falls apart at a batch's edge.
final class FieldPolicySyncTests: XCTestCase {
    private var server: ServerProcess?
    private var scratch: ScratchDirectory!
    private var data: URL!
    private var port: UInt16 = 0
    private let audit = "A-\(currentUTCYear())-0001"

    override func setUpWithError() throws {
        scratch = try ScratchDirectory(prefix: "auditsync-policy")
        data = scratch.appending("central")
        for step: [String] in [
            ["init", "--name", "Policy Test Body", "--listen", "127.0.0.1:0"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso42001:2023"],
            ["auditor", "add", "--id", "bob", "--name", "Bob Osei"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin"],
            ["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
             "--scope", "AI hiring assistants", "--lead", "alice", "--auditor", "bob"],
        ] {
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
        let laptop = scratch.appending(auditor)
        let text = try XCTUnwrap(try jsonObject(token)["token"] as? String)
        XCTAssertEqual(try CLI.run(["field", "init", "--token", text, "--data", laptop.path]).status, 0)
        XCTAssertEqual(try CLI.run(["field", "sync", "--data", laptop.path]).status, 0)
        return laptop
    }

    func testAResultByTheLeadFromATeamMembersLaptopIsRefusedAndStaysOnIt() throws {
        let bob = try enroll("bob")
        let node = try FieldNode(at: bob)
        // A modified laptop writes what `field respond` never would: a result "by" the lead.
        let key = "\(audit)/iso42001:2023/4.1"
        try node.store.write([FieldWrite("item", key, "result", .text("conform")), FieldWrite("item", key, "by", .text("alice")),
                              FieldWrite("item", key, "note", .null)])
        let synced = try CLI.run(["field", "sync", "--json", "--data", bob.path])
        XCTAssertEqual(synced.status, 5, "work that did not go up is held back: \(synced)")
        let refused = try XCTUnwrap(try jsonObject(synced)["refused"] as? [String])
        XCTAssertEqual(refused.count, 3, "the whole change: \(refused)")
        XCTAssertTrue(refused.contains { $0.contains("record says it was written by alice, but node \(node.node.hex) belongs to bob") },
                      "\(refused)")
        let shown = try Central(opening: data).replica.document(audit: audit)["checklist"]?.elements ?? []
        XCTAssertFalse(shown.contains { $0["by"] == .string("alice") }, "the central shows nothing as alice's")
        XCTAssertEqual(Int64(try node.store.recordCount()), try node.store.lastSequence(), "the refused work stays in the laptop's log")
    }

    func testAChangeAtTheEdgeOfAPushBatchGoesUpWhole() throws {
        let bob = try enroll("bob")
        let replica = try FieldNode(at: bob).replica()
        // 342 changes of three records: the 1024th record of the push is the first of the last
        // change, whose justification note lies past the batch's edge.
        for round in 0..<342 {
            try replica.recordResult(audit: audit, item: "iso42001:2023/A.6.2.4", result: .notApplicable,
                                     note: "No in-house verification (\(round))")
        }
        let synced = try CLI.run(["field", "sync", "--json", "--data", bob.path])
        XCTAssertEqual(synced.status, 0, "\(synced)\n\(server?.transcript ?? "")")
        let summary = try jsonObject(synced)
        XCTAssertEqual(summary["sent"] as? Int, 342 * 3)
        XCTAssertEqual((summary["refused"] as? [String])?.count ?? 0, 0)
    }
}
