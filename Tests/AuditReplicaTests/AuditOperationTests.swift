import AuditDomain
import CanonicalJSON
import Foundation
import MergeCore
import ReplicaStore
import TestSupport
import XCTest

@testable import AuditReplica

final class AuditOperationTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var alice: AuditReplica!
    private var bob: AuditReplica!
    private let audit = ReplicaFixture.auditID

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
        let central = try ReplicaFixture.replica("central", in: directory.url)
        try central.createAudit(ReplicaFixture.plan())
        alice = try ReplicaFixture.replica("alice", in: directory.url)
        bob = try ReplicaFixture.replica("bob", in: directory.url)
        try ReplicaFixture.exchange(central, alice)
        try ReplicaFixture.exchange(central, bob)
    }

    override func tearDown() {
        alice = nil
        bob = nil
        directory = nil
    }

    private func assertRefused(_ expected: DomainError, file: StaticString = #filePath, line: UInt = #line,
                               _ body: () throws -> Void) throws {
        let before = try alice.store.recordCount() + bob.store.recordCount()
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? DomainError, expected, file: file, line: line)
        }
        XCTAssertEqual(try alice.store.recordCount() + bob.store.recordCount(), before, "a refused operation wrote records",
                       file: file, line: line)
    }

    func testCreatedAuditHasTheChecklistOfItsStandards() throws {
        let checklist = try alice.checklist(audit: audit)
        XCTAssertEqual(checklist.count, 70)
        XCTAssertTrue(checklist.allSatisfy { $0.result == .notAudited && $0.recorded == nil })
        XCTAssertEqual(checklist.first?.item.description, "iso42001:2023/4.1")
        XCTAssertTrue(checklist.contains { $0.item.description == "iso42001:2023/A.6.2.4" })
        XCTAssertFalse(checklist.contains { $0.item.description == "iso42001:2023/6.1" }, "a heading is not a checklist item")
        XCTAssertEqual(try alice.plan(of: audit).team, ["alice", "bob"])
    }

    func testCreatingAnAuditNeedsACertifiableStandard() throws {
        let central = try ReplicaFixture.replica("other", in: directory.url)
        var plan = ReplicaFixture.plan(standards: ["iso23894:2023", "iso31000:2018"])
        plan.id = "A-2026-0002"
        XCTAssertThrowsError(try central.createAudit(plan)) { XCTAssertEqual($0 as? DomainError, .noCertifiableStandard) }
        plan.standards = [StandardID("iso42001:2023"), StandardID("iso23894:2023")]
        XCTAssertNoThrow(try central.createAudit(plan))
        XCTAssertEqual(try central.checklist(audit: plan.id).count, 70 + Catalog.iso23894.auditableItems.count)
    }

    func testRecordingAResultShowsOnTheChecklist() throws {
        try alice.recordResult(audit: audit, item: "iso42001:2023/4.1", result: .conform, note: "Seen the context register")
        let line = try XCTUnwrap(alice.checklist(audit: audit).first { $0.item.description == "iso42001:2023/4.1" })
        XCTAssertEqual(line.result, .conform)
        XCTAssertEqual(line.note, "Seen the context register")
        XCTAssertEqual(line.recordedBy, "alice")
        XCTAssertEqual(line.recorded?.node, alice.store.node)
    }

    func testNotApplicableNeedsAJustification() throws {
        try assertRefused(.missingJustification(item: "iso42001:2023/A.10.4")) {
            try alice.recordResult(audit: audit, item: "iso42001:2023/A.10.4", result: .notApplicable, note: nil)
        }
        try assertRefused(.missingJustification(item: "iso42001:2023/A.10.4")) {
            try alice.recordResult(audit: audit, item: "iso42001:2023/A.10.4", result: .notApplicable, note: "   ")
        }
        try alice.recordResult(audit: audit, item: "iso42001:2023/A.10.4", result: .notApplicable, note: "No customers")
        XCTAssertEqual(try alice.checklist(audit: audit).first { $0.item.number == "A.10.4" }?.result, .notApplicable)
    }

    func testUnknownStandardsItemsAndAuditsAreRefused() throws {
        try assertRefused(.unknownStandard("iso99999:2020")) {
            try alice.recordResult(audit: audit, item: "iso99999:2020/4.1", result: .conform, note: nil)
        }
        try assertRefused(.unknownItem("iso42001:2023/A.11.1", standard: StandardID("iso42001:2023"))) {
            try alice.recordResult(audit: audit, item: "iso42001:2023/A.11.1", result: .conform, note: nil)
        }
        try assertRefused(.malformedItem("4.1")) {
            try alice.recordResult(audit: audit, item: "4.1", result: .conform, note: nil)
        }
        try assertRefused(.itemNotInAudit(item: "iso27001:2022/A.5.1", audit: audit)) {
            try alice.recordResult(audit: audit, item: "iso27001:2022/A.5.1", result: .conform, note: nil)
        }
        try assertRefused(.itemNotInAudit(item: "iso42001:2023/6.1", audit: audit)) {
            try alice.recordResult(audit: audit, item: "iso42001:2023/6.1", result: .conform, note: nil)
        }
        try assertRefused(.unknownAudit("A-2026-0099")) {
            try alice.recordResult(audit: "A-2026-0099", item: "iso42001:2023/4.1", result: .conform, note: nil)
        }
        try assertRefused(.unknownAudit("A-2026-0001/x")) { _ = try alice.plan(of: "A-2026-0001/x") }
    }

    func testFindingStatusMovesOneStepForwardOnly() throws {
        let finding = try alice.addFinding(audit: audit, item: "iso42001:2023/6.1.2", grade: .major,
                                           statement: "No risk criteria")
        try assertRefused(.illegalStatusMove(finding: finding, from: .open, to: .closed)) {
            try alice.updateFinding(finding, FindingUpdate(status: .closed))
        }
        try assertRefused(.illegalStatusMove(finding: finding, from: .open, to: .accepted)) {
            try alice.updateFinding(finding, FindingUpdate(status: .accepted))
        }
        try assertRefused(.missingResponse(finding: finding)) {
            try alice.updateFinding(finding, FindingUpdate(status: .responded))
        }
        try alice.updateFinding(finding, FindingUpdate(status: .responded, note: "Criteria approved on 3 March"))
        try assertRefused(.illegalStatusMove(finding: finding, from: .responded, to: .open)) {
            try alice.updateFinding(finding, FindingUpdate(status: .open))
        }
        try alice.updateFinding(finding, FindingUpdate(status: .accepted, note: "Plan adequate"))
        try alice.updateFinding(finding, FindingUpdate(status: .closed, note: "Verified minutes"))
        try assertRefused(.illegalStatusMove(finding: finding, from: .closed, to: .closed)) {
            try alice.updateFinding(finding, FindingUpdate(status: .closed))
        }
        let document = try alice.document(audit: audit)
        let stored = try XCTUnwrap(document["findings"]?.elements?.first)
        XCTAssertEqual(stored["status"], "closed")
        XCTAssertEqual(stored["response"], "Criteria approved on 3 March")
        XCTAssertEqual(stored["acceptance_note"], "Plan adequate")
        XCTAssertEqual(stored["verification_note"], "Verified minutes")
    }

    func testFindingsNeedAStatementAndAKnownItem() throws {
        try assertRefused(.emptyText(what: "finding statement")) {
            _ = try alice.addFinding(audit: audit, item: "iso42001:2023/6.1.2", grade: .minor, statement: " ")
        }
        try assertRefused(.unknownFinding("F-NOPE0000")) {
            try alice.updateFinding("F-NOPE0000", FindingUpdate(grade: .minor))
        }
        try assertRefused(.unknownFinding("F-%")) { try alice.updateFinding("F-%", FindingUpdate(grade: .minor)) }
    }

    func testARemovedFindingCannotBeEditedButStaysInTheTrail() throws {
        let finding = try alice.addFinding(audit: audit, item: "iso42001:2023/6.1.2", grade: .minor, statement: "Raised in error")
        try alice.removeFinding(finding)
        try assertRefused(.removed(what: "finding", id: finding)) {
            try alice.updateFinding(finding, FindingUpdate(grade: .major))
        }
        let document = try alice.document(audit: audit)
        XCTAssertEqual(document["findings"], .array([]))
        XCTAssertEqual(document["removed"], [["entity": "finding", "id": .string(finding)]])
        let key = AuditSchema.memberKey(audit: audit, member: finding)
        let history = try alice.store.history(of: FieldID(entity: "finding", key: key, field: AuditSchema.present))
        XCTAssertEqual(history.map(\.value), [.bool(true), .bool(false)])
    }

    func testAnEditConcurrentWithARemovalWins() throws {
        let finding = try alice.addFinding(audit: audit, item: "iso42001:2023/6.1.2", grade: .minor, statement: "Criteria missing")
        try ReplicaFixture.exchange(alice, bob)
        try alice.removeFinding(finding)
        try bob.updateFinding(finding, FindingUpdate(grade: .major))
        try ReplicaFixture.exchange(alice, bob)
        try ReplicaFixture.exchange(bob, alice)
        for replica in [alice!, bob!] {
            let findings = try XCTUnwrap(replica.document(audit: audit)["findings"]?.elements)
            XCTAssertEqual(findings.count, 1, "add-wins: the concurrent edit keeps the finding")
            XCTAssertEqual(findings.first?["grade"], "major")
        }
        XCTAssertEqual(try alice.document(audit: audit), try bob.document(audit: audit))
    }

    func testOnlyTheLeadRecordsTheRecommendation() throws {
        try assertRefused(.notLead(auditor: "bob", audit: audit)) { try bob.recommend(audit: audit, .grant, note: nil) }
        try alice.recommend(audit: audit, .grant, note: "All findings accepted")
        let recommendation = try alice.document(audit: audit)["recommendation"]
        XCTAssertEqual(recommendation?["decision"], "grant")
        XCTAssertEqual(recommendation?["by"], "alice")
        XCTAssertEqual(recommendation?["note"], "All findings accepted")
    }

    func testEvidenceIsStoredByContentAndListed() throws {
        let file = directory.url.appendingPathComponent("interview-notes.txt")
        try Data("Interview with the data protection officer\n".utf8).write(to: file)
        let finding = try alice.addFinding(audit: audit, item: "iso42001:2023/A.7.4", grade: .observation,
                                           statement: "Data quality checks are manual", evidenceFiles: [file])
        let standalone = try alice.addEvidence(audit: audit, finding: nil, file: file)
        let evidence = try XCTUnwrap(alice.document(audit: audit)["evidence"]?.elements)
        XCTAssertEqual(evidence.count, 2)
        guard case .string(let digest) = evidence[0]["sha256"] else { return XCTFail("no digest") }
        XCTAssertEqual(evidence[0]["sha256"], evidence[1]["sha256"], "the same file is one blob")
        XCTAssertTrue(alice.evidence.verify(digest))
        XCTAssertEqual(evidence.compactMap { $0["finding"] }.filter { $0 != .null }, [.string(finding)])
        XCTAssertTrue(evidence.contains { $0["id"] == .string(standalone) })
        XCTAssertThrowsError(try alice.addEvidence(audit: audit, finding: nil, file: directory.url.appendingPathComponent("missing.pdf")))
        XCTAssertThrowsError(try alice.addEvidence(audit: audit, finding: "F-NOPE0000", file: file)) {
            XCTAssertEqual($0 as? DomainError, .unknownFinding("F-NOPE0000"))
        }
    }

    func testConcurrentResultsAreListedThenResolvedByANewWrite() throws {
        try alice.recordResult(audit: audit, item: "iso42001:2023/6.1.2", result: .conform, note: nil)
        try bob.recordResult(audit: audit, item: "iso42001:2023/6.1.2", result: .nonconform, note: nil)
        try ReplicaFixture.exchange(alice, bob)
        try ReplicaFixture.exchange(bob, alice)
        let conflicts = try alice.conflicts(audit: audit).filter { $0.field == AuditSchema.ItemField.result }
        XCTAssertEqual(conflicts.count, 1)
        XCTAssertEqual(Set([conflicts[0].winner.value] + conflicts[0].losers.map(\.value)),
                       [.text("conform"), .text("nonconform")])
        XCTAssertEqual(try alice.conflicts(audit: audit), try bob.conflicts(audit: audit))

        try bob.recordResult(audit: audit, item: "iso42001:2023/6.1.2", result: .nonconform, note: "Agreed")
        try ReplicaFixture.exchange(bob, alice)
        XCTAssertEqual(try alice.conflicts(audit: audit), [])
        XCTAssertEqual(try alice.document(audit: audit).encoded(), try bob.document(audit: audit).encoded())
        try ReplicaFixture.integrityCheck(alice)
    }

    func testTheDocumentIsCanonicalAndFreeOfLocalDetail() throws {
        try alice.recordResult(audit: audit, item: "iso42001:2023/4.1", result: .conform, note: "ok")
        try ReplicaFixture.exchange(alice, bob)
        let fromAlice = try alice.document(audit: audit).encoded()
        let fromBob = try bob.document(audit: audit).encoded()
        XCTAssertEqual(fromAlice, fromBob)
        XCTAssertFalse(fromAlice.contains(bob.store.node.hex), "bob's document names only writers, not the reader")
        XCTAssertEqual(try alice.document(audit: audit)["summary"]?["results"]?["conform"], 1)
    }
}

extension AuditOperationTests {
    func testTheHistoryOfAFieldKeepsEveryWriteWithItsStanding() throws {
        let item = "iso42001:2023/6.1.2"
        try alice.recordResult(audit: audit, item: item, result: .conform, note: nil)
        try alice.recordResult(audit: audit, item: item, result: .nonconform, note: nil)   // sequential
        try bob.recordResult(audit: audit, item: item, result: .notAudited, note: nil)     // concurrent
        try ReplicaFixture.exchange(bob, alice)
        let history = try alice.history(audit: audit, entity: AuditSchema.Entity.item, member: item,
                                        field: AuditSchema.ItemField.result)
        XCTAssertEqual(Set(history.map(\.record.value)), [.text("conform"), .text("nonconform"), .text("not-audited")])
        XCTAssertEqual(history.count, 3)
        let first = try XCTUnwrap(history.first { $0.record.value == .text("conform") })
        let second = try XCTUnwrap(history.first { $0.record.value == .text("nonconform") })
        XCTAssertEqual(first.standing, .superseded(by: second.record.timestamp))
        XCTAssertEqual(Set(history.map(\.standing)).count, 3, "one current, one conflict, one superseded")
        XCTAssertTrue(history.contains { $0.standing == .current })
        XCTAssertTrue(history.contains { $0.standing == .conflict })
        XCTAssertEqual(history.map(\.record.timestamp), history.map(\.record.timestamp).sorted())
    }
}
