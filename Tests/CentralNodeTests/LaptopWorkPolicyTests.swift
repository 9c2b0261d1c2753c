import AuditDomain
import AuditReplica
import Foundation
import MergeCore
import RecordSeals
import ReplicaStore
import TestSupport
import WireProtocol
import XCTest

@testable import CentralNode

/// The other half of the policy's promise: everything a laptop writes through `AuditReplica` —
/// every operation, concurrent edits, moves made offline, several in one push — passes the
/// central's checks, and every replica converges on the central's document.
final class LaptopWorkPolicyTests: XCTestCase {
    private var scratch: CentralTestDirectory!
    private var central: Central!
    private var desk: SyncDesk!
    private var audit = ""

    /// One auditor's replica and where its sync stands.
    private final class Laptop {
        let replica: AuditReplica
        var pushedThrough: Int64 = 0
        var cursor: UInt64 = 0
        var held: [String] = []
        init(_ replica: AuditReplica) { self.replica = replica }
        var node: NodeID { replica.store.node }
    }

    override func setUpWithError() throws {
        scratch = try CentralTestDirectory()
        central = try Central.initialize(at: scratch.url.appendingPathComponent("central"), name: "Cert Body")
        try central.addAuditor(id: "alice", name: "Alice", roles: [.lead])
        try central.addAuditor(id: "bob", name: "Bob", roles: [])
        try central.addAuditor(id: "carol", name: "Carol", roles: [])
        try central.qualify(auditor: "alice", for: StandardID("iso42001:2023"))
        let client = try central.addClient(name: "Acme", sites: ["Dublin"])
        audit = try central.createAudit(client: client, standards: [StandardID("iso42001:2023")], kind: .stage2,
                                        scope: "AI", lead: "alice", auditors: ["bob", "carol"])
        desk = SyncDesk(central: central)
    }

    private func laptop(_ auditor: String) throws -> Laptop {
        let home = scratch.url.appendingPathComponent(auditor)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let store = try ReplicaStore(path: home.appendingPathComponent("field.sqlite").path, create: true)
        store.recordSigningKey = RecordSigningKey.generate()
        try central.registerNode(id: store.node.hex, publicKey: Array(store.node.hex.utf8.prefix(16)) + [UInt8](repeating: 0, count: 16),
                                 auditor: auditor)
        _ = try central.registerRecordKey(store.recordSigningKey!.publicKey, for: store.node)
        let laptop = Laptop(AuditReplica(store: store, evidence: EvidenceStore(root: home.appendingPathComponent("blobs")),
                                         actor: auditor))
        try sync(laptop)
        return laptop
    }

    /// Push (asserting the central refuses nothing), then pull.
    private func sync(_ laptop: Laptop, file: StaticString = #filePath, line: UInt = #line) throws {
        let rows = try laptop.replica.store.records(after: laptop.pushedThrough, limit: .max)
        if let last = rows.last {
            let own = try laptop.replica.store.sealedRuns(rows.filter { $0.record.origin == laptop.node }).runs
            let answer = try desk.push(RecordBatch(through: UInt64(last.sequence), runs: own.map { run in
                RunPayload(seal: run.seal.encoded(), records: run.records.map { $0.encoded() })
            }), from: laptop.node, auditor: laptop.replica.actor)
            XCTAssertEqual(answer.refusals.map(\.reason), [], "\(laptop.replica.actor)'s work refused", file: file, line: line)
            laptop.pushedThrough = last.sequence
        }
        let stream = try PullStream(desk: desk, node: laptop.node, auditor: laptop.replica.actor,
                                    request: PullRequest(cursor: laptop.cursor, heldAudits: laptop.held))
        var records: [MergeRecord] = []
        while let message = try stream.next() {
            if message.type == .records {
                records += try RecordBatch(payload: message.payload, what: "records").records.map { try MergeRecord(decoding: $0) }
            } else if message.type == .pulled {
                let done = try PullDone(payload: message.payload)
                (laptop.cursor, laptop.held) = (done.cursor, done.audits)
            }
        }
        XCTAssertEqual(try laptop.replica.store.apply(records).rejected, [], file: file, line: line)
    }

    func testEveryOperationOfALaptopPassesThePolicy() throws {
        let alice = try laptop("alice"), bob = try laptop("bob")
        let file = scratch.url.appendingPathComponent("risk-register.xlsx")
        try Data("risk register\n".utf8).write(to: file)
        let a = alice.replica, b = bob.replica
        try a.recordResult(audit: audit, item: "iso42001:2023/4.1", result: .conform, note: nil)
        try a.recordResult(audit: audit, item: "iso42001:2023/A.6.2.4", result: .notApplicable, note: "No in-house verification")
        try b.recordResult(audit: audit, item: "iso42001:2023/6.1.2", result: .nonconform, note: "Criteria missing")
        let finding = try b.addFinding(audit: audit, item: "iso42001:2023/6.1.2", grade: .minor, statement: "No risk criteria",
                                       evidenceFiles: [file])
        let withdrawn = try b.addFinding(audit: audit, item: "iso42001:2023/4.1", grade: .observation, statement: "Raised in error")
        try b.removeFinding(withdrawn)
        let evidence = try a.addEvidence(audit: audit, finding: nil, file: file)
        try a.removeEvidence(audit: audit, evidence: evidence)
        let note = try a.addNote(audit: audit, item: "iso42001:2023/4.1", text: "Interviewed the CISO")
        try a.removeNote(audit: audit, note: note)
        try a.addNote(audit: audit, item: nil, text: "Opening meeting held")
        try sync(bob)
        try sync(alice)
        // Moves made offline, pushed together; accepted and closed without a note, as the laptop allows.
        try a.updateFinding(finding, FindingUpdate(status: .responded, note: "Criteria approved by 30 June"))
        try a.updateFinding(finding, FindingUpdate(grade: .major, statement: "No risk criteria at all"))
        try a.updateFinding(finding, FindingUpdate(status: .accepted))
        try a.updateFinding(finding, FindingUpdate(status: .closed, note: "Seen the approved criteria"))
        try a.updateFinding(finding, FindingUpdate(note: "Follow up at surveillance"))
        try a.recommend(audit: audit, .grant, note: nil)
        try a.recommend(audit: audit, .refuse, note: "second thoughts")
        try sync(alice)
        try sync(bob)
        XCTAssertEqual(try b.document(audit: audit), try central.replica.document(audit: audit))
        XCTAssertEqual(try a.document(audit: audit), try central.replica.document(audit: audit))
    }

    func testRandomConcurrentTeamWorkPassesThePolicyAndConverges() throws {
        for seed: UInt64 in [1, 2, 3] {
            try setUpWithError()
            var random = SplitMix64(seed: seed)
            let team = try ["alice", "bob", "carol"].map(laptop)
            for _ in 0..<120 {
                let laptop = team[Int(random.next() % 3)]
                if random.next() % 4 == 0 {
                    try sync(laptop)
                } else {
                    try work(on: laptop.replica, random: &random)
                }
            }
            for _ in 0..<2 { for laptop in team { try sync(laptop) } }
            let expected = try central.replica.document(audit: audit)
            for laptop in team {
                XCTAssertEqual(try laptop.replica.document(audit: audit), expected, "seed \(seed): \(laptop.replica.actor)")
            }
        }
    }

    private static let items = ["iso42001:2023/4.1", "iso42001:2023/6.1.2", "iso42001:2023/A.6.2.4", "iso42001:2023/8.2"]

    /// One operation as an auditor might do it, on what this laptop shows.
    private func work(on replica: AuditReplica, random: inout SplitMix64) throws {
        let findings = (try replica.document(audit: audit)["findings"]?.elements ?? []).compactMap { finding -> (String, FindingStatus)? in
            guard case .string(let id) = finding["id"], case .string(let status) = finding["status"] else { return nil }
            return FindingStatus(rawValue: status).map { (id, $0) }
        }.sorted { $0.0 < $1.0 }
        let item = Self.items[Int(random.next() % UInt64(Self.items.count))]
        switch random.next() % 8 {
        case 0, 1:
            let result = ChecklistResult.allCases[Int(random.next() % 4)]
            let excludable = "iso42001:2023/A.6.2.4"
            try replica.recordResult(audit: audit, item: result == .notApplicable ? excludable : item, result: result,
                                     note: result == .notApplicable || random.next() % 2 == 0 ? "why \(random.next() % 100)" : nil)
        case 2:
            try replica.addFinding(audit: audit, item: item, grade: FindingGrade.allCases[Int(random.next() % 4)],
                                   statement: "statement \(random.next() % 1000)")
        case 3, 4:
            guard let (finding, status) = findings.randomElement(using: &random) else { return }
            var update = FindingUpdate(statement: "restated \(random.next() % 1000)")
            if random.next() % 3 != 0, let next = status.next {
                update = FindingUpdate(status: next, note: next.needsNote || random.next() % 2 == 0 ? "step \(next)" : nil)
            }
            try replica.updateFinding(finding, update)
        case 5:
            guard let (finding, _) = findings.randomElement(using: &random) else { return }
            try replica.removeFinding(finding)
        case 6:
            let file = scratch.url.appendingPathComponent("evidence-\(random.next() % 4).txt")
            try Data("evidence \(file.lastPathComponent)\n".utf8).write(to: file)
            try replica.addEvidence(audit: audit, finding: findings.randomElement(using: &random)?.0, file: file)
        default:
            if replica.actor == "alice" {
                try replica.recommend(audit: audit, random.next() % 2 == 0 ? .grant : .refuse, note: "round")
            } else {
                try replica.addNote(audit: audit, item: random.next() % 2 == 0 ? item : nil, text: "note \(random.next() % 100)")
            }
        }
    }
}
