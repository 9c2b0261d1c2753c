import AuditDomain
import AuditReplica
import Foundation
import MergeCore
import ReplicaStore
import WireProtocol
import XCTest

@testable import CentralNode

/// Issue 9, items 2 and 5: every record a laptop pushes is checked against the plan and the
/// rules at the central — keys, fields, values, finding status moves, justifications and
/// authorship — each refusal naming why, the rest of the batch kept.
final class PushPolicyTests: XCTestCase {
    private var scratch: CentralTestDirectory!
    private var central: Central!
    private var desk: SyncDesk!
    private var audit = ""
    private var alice: HandWrittenLaptop!
    private var bob: HandWrittenLaptop!

    override func setUpWithError() throws {
        scratch = try CentralTestDirectory()
        central = try Central.initialize(at: scratch.url.appendingPathComponent("central"), name: "Cert Body")
        try central.addAuditor(id: "alice", name: "Alice", roles: [.lead])
        try central.addAuditor(id: "bob", name: "Bob", roles: [])
        try central.qualify(auditor: "alice", for: StandardID("iso42001:2023"))
        let client = try central.addClient(name: "Acme", sites: ["Dublin"])
        audit = try central.createAudit(client: client, standards: [StandardID("iso42001:2023")], kind: .stage2,
                                        scope: "AI", lead: "alice", auditors: ["bob"])
        desk = SyncDesk(central: central)
        let clock = StampClock()
        alice = HandWrittenLaptop(node: NodeID(rawValue: 0xA11CE), auditor: "alice", clock: clock)
        bob = HandWrittenLaptop(node: NodeID(rawValue: 0xB0B), auditor: "bob", clock: clock)
        try central.registerNode(id: alice.node.hex, publicKey: [UInt8](repeating: 1, count: 32), auditor: "alice")
        try central.registerNode(id: bob.node.hex, publicKey: [UInt8](repeating: 2, count: 32), auditor: "bob")
    }

    private func key(_ member: String) -> String { "\(audit)/\(member)" }

    private func assertRefused(_ pushed: PushedChanges, _ index: Int, _ expected: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        let reason = pushed.reason(index)
        XCTAssertTrue(reason.contains(expected), "change \(index): \(reason)", file: file, line: line)
        XCTAssertTrue(pushed.refusals(ofChange: index).allSatisfy { $0 != nil }, "the whole change is refused", file: file, line: line)
    }

    // MARK: keys

    func testKeysThatNoOperationMakesAreRefusedAndTheRestOfTheBatchKept() throws {
        let changes = [
            alice.result(key("iso42001:2023/4.1"), "conform"),
            alice.result("\(audit)/../A-2099-0001/iso42001:2023/4.1", "conform"),
            alice.result("\(audit)//iso42001:2023/4.1", "conform"),
            alice.result("\(audit)/iso42001:2023/4.1/", "conform"),
            alice.result("\(audit)/iso42001:2023/../4.1", "conform"),
            alice.result(key("iso27001:2022/A.5.1"), "conform"),
            alice.result(key("iso42001:2023/99.9"), "conform"),
            alice.note(key("N-1")),
            alice.note(key("F-7K2M9QXA")),
            alice.note(key("N-7k2m9qxa")),
            alice.note(key("N-7K2M9QXA/x")),
            alice.note(key("N-7K2M9QXI")),
            alice.finding(key("F-7K2M9QXA/../F-00000000"), item: "iso42001:2023/6.1.2"),
            alice.note(key("N-7K2M9QXA")),
        ]
        let pushed = try desk.push(changes, from: alice)
        XCTAssertTrue(pushed.accepted(0), pushed.reason(0))
        XCTAssertTrue(pushed.accepted(13), pushed.reason(13))
        for index in 1...6 { assertRefused(pushed, index, "does not name a checklist item") }
        assertRefused(pushed, 5, "not on the checklist of audit \(audit)")
        for index in 7...12 { assertRefused(pushed, index, "does not name a") }
        XCTAssertEqual(Int(pushed.answer.accepted), changes[0].count + changes[13].count)
        let document = try central.replica.document(audit: audit)
        XCTAssertEqual(document["conflicts"]?.elements?.count ?? 0, 0, "nothing odd is shown as a conflict")
    }

    // MARK: fields and values

    func testUnknownFieldsAndValuesOfTheWrongTypeOrSizeAreRefused() throws {
        let item = key("iso42001:2023/4.1")
        // Each case a change of its own (a fresh timestamp): one wrong field in an otherwise valid one.
        let finding = { self.alice.finding(self.key("F-7K2M9QXA"), item: "iso42001:2023/6.1.2") }
        let evidence = { self.alice.evidence(self.key("E-7K2M9QXA")) }
        let note = { self.alice.note(self.key("N-7K2M9QXA")) }
        let cases: [([MergeRecord], String)] = [
            (alice.result(item, "conform").adding("colour", .text("red")), "has no field 'colour'"),
            (finding().adding("carried_from", .text("A-2025-0001/F-00000000")), "written by the central only"),
            (alice.result(item, "great"), "not a valid item result"),
            (alice.result(item, "conform").setting("by", to: .int(7)), "must name an auditor"),
            (finding().setting("grade", to: .text("huge")), "not a valid finding grade"),
            (finding().setting("status", to: .text("done")), "not a valid finding status"),
            (finding().setting("present", to: .text("yes")), "must be true or false"),
            (finding().setting("item", to: .text("iso27001:2022/A.5.1")), "not on the checklist"),
            (finding().setting("statement", to: .text("   ")), "is empty"),
            (finding().setting("statement", to: .null), "must be text"),
            (note().setting("text", to: .text(String(repeating: "x", count: 70_000))), "more than the limit of 65536"),
            (note().adding("item", .text("iso42001:2023/../x")), "does not name a checklist item"),
            (evidence().setting("sha256", to: .text("abc")), "64 lowercase hex"),
            (evidence().setting("sha256", to: .text(String(repeating: "AB", count: 32))), "64 lowercase hex"),
            (evidence().setting("size", to: .int(-1)), "number of bytes"),
            (evidence().setting("size", to: .text("12")), "number of bytes"),
            (evidence().setting("name", to: .text("../../etc/passwd")), "without a path"),
            (evidence().adding("finding", .text("F-1")), "must name a member"),
            (alice.change("audit", audit, [("recommendation", .text("maybe")), ("recommended_by", .text("alice"))]),
             "not a valid audit recommendation"),
        ]
        let pushed = try desk.push(cases.map(\.0) + [finding(), evidence(), note()], from: alice)
        for (index, (_, expected)) in cases.enumerated() { assertRefused(pushed, index, expected) }
        for index in cases.count..<cases.count + 3 { XCTAssertTrue(pushed.accepted(index), pushed.reason(index)) }
    }

    // MARK: finding status

    func testAFindingMovesOneStepFromTheStatusItsWriterSawWithTheNoteTheStepNeeds() throws {
        let finding = key("F-7K2M9QXA")
        let raised = alice.finding(finding, item: "iso42001:2023/6.1.2")
        let open = raised[0].timestamp
        XCTAssertTrue(try desk.push([raised], from: alice).accepted(0))

        let jumps = try desk.push([
            bob.move(finding, to: "closed", saw: open, noteField: "verification_note"),
            bob.move(finding, to: "responded", saw: open, noteField: nil),
            bob.move(finding, to: "open", saw: open, noteField: nil),
        ], from: bob)
        assertRefused(jumps, 0, "was open for its writer and cannot move to closed")
        assertRefused(jumps, 0, "its next status is responded")
        assertRefused(jumps, 1, "only with response")

        let responded = bob.move(finding, to: "responded", saw: open, noteField: "response", note: "Criteria approved by 30 June")
        XCTAssertTrue(try desk.push([responded], from: bob).accepted(0))
        let stale = try desk.push([alice.move(finding, to: "accepted", saw: open, noteField: "acceptance_note")], from: alice)
        assertRefused(stale, 0, "was open for its writer and cannot move to accepted")

        let later = try desk.push([
            alice.change("finding", finding, [("present", .bool(true)), ("response", .text("rewritten"))]),
            alice.move(finding, to: "accepted", saw: responded[0].timestamp, noteField: "acceptance_note"),
        ], from: alice)
        assertRefused(later, 0, "is written only in the change that moves it to responded")
        XCTAssertTrue(later.accepted(1), later.reason(1))
        let back = try desk.push([alice.move(finding, to: "open", saw: later.changes[1][0].timestamp, noteField: nil)], from: alice)
        assertRefused(back, 0, "cannot move back to open")

        let document = try central.replica.document(audit: audit)
        let shown = try XCTUnwrap(document["findings"]?.elements?.first)
        XCTAssertEqual(shown["status"], .string("accepted"))
        XCTAssertEqual(shown["response"], .string("Criteria approved by 30 June"), "the client's response stays as recorded")
    }

    func testMovesMadeOfflineArriveInOneBatchAndAMoveOverAnUnknownStatusIsTakenLater() throws {
        let finding = key("F-0000000G")
        let raised = alice.finding(finding, item: "iso42001:2023/6.1.2")
        let responded = alice.move(finding, to: "responded", saw: raised[0].timestamp, noteField: "response")
        let accepted = alice.move(finding, to: "accepted", saw: responded[0].timestamp, noteField: nil)
        let pushed = try desk.push([raised, responded, accepted], from: alice)
        for index in 0..<3 { XCTAssertTrue(pushed.accepted(index), pushed.reason(index)) }

        // Bob's laptop heard of a move from a team member directly that the central has not:
        // nothing is wrong with his record but what the central holds so far.
        let unheard = bob.stamp()
        let ahead = try desk.push([bob.move(finding, to: "closed", saw: unheard, noteField: "verification_note")], from: bob)
        assertRefused(ahead, 0, "has not reached the central yet")
        XCTAssertTrue(ahead.retryLater(0), "sent again at the next sync")
        XCTAssertTrue(ahead.answer.refusals.allSatisfy(\.retryLater), "the whole change waits")

        // A move that follows one refused in the same batch is refused with it, for good.
        let second = key("F-0000000H")
        let raisedAgain = alice.finding(second, item: "iso42001:2023/6.1.2")
        let jump = alice.move(second, to: "accepted", saw: raisedAgain[0].timestamp, noteField: nil)
        let after = alice.move(second, to: "closed", saw: jump[0].timestamp, noteField: nil)
        let chained = try desk.push([raisedAgain, jump, after], from: alice)
        XCTAssertTrue(chained.accepted(0))
        assertRefused(chained, 1, "cannot move to accepted")
        assertRefused(chained, 2, "refused earlier in this sync")
        XCTAssertFalse(chained.retryLater(2))
    }

    // MARK: not-applicable

    func testNotApplicableCarriesItsJustificationAndOnlyOnAnExcludableItem() throws {
        let pushed = try desk.push([
            alice.result(key("iso42001:2023/A.6.2.4"), "not-applicable"),
            alice.result(key("iso42001:2023/A.6.2.4"), "not-applicable", note: "  "),
            alice.result(key("iso42001:2023/4.1"), "not-applicable", note: "we do not have a context"),
            alice.result(key("iso42001:2023/A.6.2.4"), "not-applicable", note: "No AI system is verified in-house"),
        ], from: alice)
        assertRefused(pushed, 0, "only with a justification note in the same change")
        assertRefused(pushed, 1, "only with a justification note in the same change")
        assertRefused(pushed, 2, "cannot be not-applicable")
        XCTAssertTrue(pushed.accepted(3), pushed.reason(3))
    }

    // MARK: authorship

    func testATeamMembersLaptopCannotWriteAResultByTheLead() throws {
        let item = key("iso42001:2023/4.1")
        let forged = try desk.push([
            bob.result(item, "conform", by: "alice"),
            bob.result(item, "conform").dropping("by"),
            bob.finding(key("F-7K2M9QXA"), item: "iso42001:2023/6.1.2", raisedBy: "alice"),
            bob.evidence(key("E-7K2M9QXA"), addedBy: "alice"),
            bob.note(key("N-7K2M9QXA"), by: "alice"),
            bob.result(key("iso42001:2023/4.2"), "nonconform"),
        ], from: bob)
        assertRefused(forged, 0, "record says it was written by alice, but node \(bob.node.hex) belongs to bob")
        XCTAssertTrue(forged.refusals(ofChange: 0)[0]?.contains("refused with the rest of its change (by:") ?? false,
                      "the result goes with its forged author: \(forged.refusals(ofChange: 0))")
        assertRefused(forged, 1, "written with its author (by) in the same change")
        for index in 2...4 { assertRefused(forged, index, "but node \(bob.node.hex) belongs to bob") }
        XCTAssertTrue(forged.accepted(5), forged.reason(5))
        let items = try central.replica.document(audit: audit)["checklist"]?.elements ?? []
        XCTAssertFalse(items.contains { $0["by"] == .string("alice") }, "nothing is shown as alice's work")

        // The lead's recommendation names the lead, too.
        let recommendation = try desk.push([alice.change("audit", audit, [("recommendation", .text("grant")),
                                                                          ("recommended_by", .text("bob"))])], from: alice)
        assertRefused(recommendation, 0, "written by bob, but node \(alice.node.hex) belongs to alice")
    }

    func testARelayedRecordIsJudgedByTheAuditorOfItsOriginNode() throws {
        // After a restore, alice's laptop gives back a record of bob's node that claims alice.
        let forged = bob.result(key("iso42001:2023/4.1"), "conform", by: "alice")
        let sealer = TestSealer.shared(for: central)
        _ = try sealer.key(for: bob.node, auditor: "bob")
        let relayed = try desk.relay(try sealer.batch(through: 1, records: forged, auditor: "bob"), from: alice.node)
        XCTAssertEqual(relayed.accepted, 0)
        XCTAssertTrue(relayed.refusals.first?.reason.contains("but node \(bob.node.hex) belongs to bob") ?? false, "\(relayed)")
    }
}
