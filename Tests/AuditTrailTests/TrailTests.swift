import AuditDomain
import AuditReplica
import CanonicalJSON
import CentralNode
import Foundation
import MergeCore
import RecordSeals
import ReplicaStore
import TestSupport
import XCTest

@testable import AuditTrail

/// The exported audit trail, checked as an assessor would: everything holds after a full audit,
/// and a single changed byte anywhere is found.
final class TrailTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var central: Central!
    private var audit = ""

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
        central = try Central.initialize(at: directory.url.appendingPathComponent("central"), name: "Trail Body")
        try central.addAuditor(id: "alice", name: "Alice Martin", roles: [.lead])
        try central.addAuditor(id: "carol", name: "Carol Ng", roles: [.reviewer])
        try central.qualify(auditor: "alice", for: StandardID("iso22301:2019"))
        let client = try central.addClient(name: "Acme", sites: ["Dublin"])
        audit = try central.createAudit(client: client, standards: [StandardID("iso22301:2019")], kind: .stage2,
                                        scope: "AI", lead: "alice", auditors: [])
        // Alice's laptop: its own store and key; its work reaches the central in sealed runs.
        let laptop = try ReplicaStore(path: directory.url.appendingPathComponent("alice.sqlite").path, create: true)
        laptop.recordSigningKey = RecordSigningKey.generate()
        try central.registerNode(id: laptop.node.hex, publicKey: [UInt8](repeating: 3, count: 32), auditor: "alice")
        _ = try central.registerRecordKey(laptop.recordSigningKey!.publicKey, for: laptop.node)
        let keys = { [central] (node: NodeID) in (try? central!.recordKey(of: node)) ?? nil }
        _ = try laptop.applySealed(try central.store.sealedRuns(central.store.records(after: 0, limit: .max)).runs, publicKey: keys)
        let alice = AuditReplica(store: laptop, evidence: EvidenceStore(root: directory.url.appendingPathComponent("blobs")), actor: "alice")
        for line in try alice.checklist(audit: audit) where line.item.standard.rawValue == "iso22301:2019" {
            try alice.recordResult(audit: audit, item: line.item.description, result: .conform, note: nil)
        }
        let finding = try alice.addFinding(audit: audit, item: "iso22301:2019/7.2", grade: .minor, statement: "Training records incomplete")
        try alice.updateFinding(finding, FindingUpdate(status: .responded, note: "Records to be completed"))
        try alice.updateFinding(finding, FindingUpdate(status: .accepted, note: "Plan adequate"))
        try alice.recommend(audit: audit, .grant, note: nil)
        let own = try laptop.records(after: 0, limit: .max).filter { $0.record.origin == laptop.node }
        let pushed = try central.store.applySealed(try laptop.sealedRuns(own).runs, publicKey: keys)
        XCTAssertEqual(pushed.rejected, [])
        _ = try central.decide(audit: audit, reviewer: "carol", grant: true, reason: nil)
    }

    func testATrailExportedAfterAFullAuditVerifies() throws {
        let trail = try central.exportTrail(audit: audit)
        let report = TrailVerifier.verify(trail)
        XCTAssertEqual(report.problems, [])
        XCTAssertEqual(report.nodes, 2, "the central and alice's laptop")
        XCTAssertEqual(report.decisions, 1)
        XCTAssertEqual(report.certificates, 1)
        XCTAssertGreaterThan(report.records, 26 * 3)
        XCTAssertEqual(report.documentSHA256, try central.documentDigest(audit: audit))
    }

    /// Each of 1,000 seeded single-byte changes anywhere in the file is found.
    func testEverySingleByteChangeIsFound() throws {
        let trail = Array(try central.exportTrail(audit: audit).utf8)
        var random = SplitMix64(seed: 0x7A11)
        var found = 0
        for round in 0..<1000 {
            var changed = trail
            let index = Int(random.next() % UInt64(trail.count))
            var replacement = UInt8(truncatingIfNeeded: random.next())
            if replacement == changed[index] { replacement ^= 0x01 }
            changed[index] = replacement
            let report = TrailVerifier.verify(String(decoding: changed, as: UTF8.self))
            if !report.holds { found += 1 } else { XCTFail("round \(round): byte \(index) changed and nothing was found") }
        }
        XCTAssertEqual(found, 1000)
    }

    func testARemovedOrReorderedLineIsFoundAndNamed() throws {
        var lines = try central.exportTrail(audit: audit).split(separator: "\n").map(String.init)
        let runLines = lines.indices.filter { lines[$0].hasPrefix("{\"run\"") }
        var dropped = lines
        dropped.remove(at: runLines[runLines.count / 2])
        let droppedReport = TrailVerifier.verify(dropped.joined(separator: "\n") + "\n")
        XCTAssertFalse(droppedReport.holds)
        XCTAssertTrue(droppedReport.problems.contains { $0.contains("are missing before these") }, "\(droppedReport.problems)")
        // Two runs of alice's chain (the last runs are hers: her work came after the plan).
        lines.swapAt(runLines[runLines.count - 2], runLines[runLines.count - 3])
        let swapped = TrailVerifier.verify(lines.joined(separator: "\n") + "\n")
        XCTAssertFalse(swapped.holds)
        XCTAssertTrue(swapped.problems.contains { $0.contains("already received") || $0.contains("missing before") || $0.contains("do not continue") },
                      "\(swapped.problems)")
    }
}
