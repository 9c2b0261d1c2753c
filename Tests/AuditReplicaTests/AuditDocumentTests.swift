import AuditDocumentFormat
import AuditDomain
import CanonicalJSON
import Foundation
import MergeCore
import ReplicaStore
import TestSupport
import XCTest

@testable import AuditReplica

/// `AuditDocument` is the audit document as one type: it prints exactly the bytes the
/// string-keyed document printed (decisions were taken on their digests), and reads back what
/// it printed.
final class AuditDocumentTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var central: AuditReplica!
    private let audit = ReplicaFixture.auditID

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
        central = try ReplicaFixture.replica("central", in: directory.url)
        var plan = ReplicaFixture.plan(standards: ["iso42001:2023", "iso23894:2023"])
        plan.certificate = "CERT-2026-0001"
        plan.plannedFrom = "2027-03-01"
        plan.plannedTo = "2027-03-03"
        plan.earlier = ["A-2026-0000", "A-2025-0009"]
        try central.createAudit(plan)
    }

    override func tearDown() {
        central = nil
        directory = nil
    }

    /// Every kind of member: results with and without notes, findings (one carried, one
    /// removed), evidence, notes, a recommendation, conflicts on text and on a flag, a freeze.
    private func recordEverything() throws {
        let alice = try ReplicaFixture.replica("alice", in: directory.url)
        let bob = try ReplicaFixture.replica("bob", in: directory.url)
        try ReplicaFixture.exchange(central, alice)
        try ReplicaFixture.exchange(central, bob)
        let file = directory.url.appendingPathComponent("register \"v3\".pdf")
        try Data("risk register".utf8).write(to: file)

        try alice.recordResult(audit: audit, item: "iso42001:2023/4.1", result: .conform, note: "Seen\nwith the CTO")
        try bob.recordResult(audit: audit, item: "iso42001:2023/4.1", result: .nonconform, note: nil)
        try alice.recordResult(audit: audit, item: "iso23894:2023/4", result: .notApplicable, note: "Guidance")
        let finding = try alice.addFinding(audit: audit, item: "iso42001:2023/4.1", grade: .minor, statement: "No review",
                                           evidenceFiles: [file])
        try alice.updateFinding(finding, FindingUpdate(status: .responded, note: "Plan agreed"))
        let withdrawn = try bob.addFinding(audit: audit, item: "iso42001:2023/6.1.2", grade: .major, statement: "Raised in error")
        try bob.removeFinding(withdrawn)
        try bob.addEvidence(audit: audit, finding: nil, file: file)
        try bob.addNote(audit: audit, item: "iso42001:2023/6.1.2", text: "Ask for the register")
        let note = try alice.addNote(audit: audit, item: nil, text: "Opening meeting")
        try alice.removeNote(audit: audit, note: note)
        try alice.recommend(audit: audit, .refuse, note: "Minor open")
        let carried = AuditSchema.memberKey(audit: audit, member: "F-CARRIED1")
        try central.store.write([
            FieldWrite(AuditSchema.Entity.finding, carried, AuditSchema.present, .bool(true)),
            FieldWrite(AuditSchema.Entity.finding, carried, AuditSchema.FindingField.item, .text("iso42001:2023/8.2")),
            FieldWrite(AuditSchema.Entity.finding, carried, AuditSchema.FindingField.status, .text("accepted")),
            FieldWrite(AuditSchema.Entity.finding, carried, AuditSchema.FindingField.carriedFrom, .text("A-2026-0000/F-OLD00001")),
        ])
        try ReplicaFixture.exchange(alice, central)
        try ReplicaFixture.exchange(bob, central)
        try central.writePlan([FieldWrite(AuditSchema.Entity.audit, audit, AuditSchema.AuditField.frozen, .text("decided"))])
    }

    func testTheTypedDocumentPrintsTheSameBytesAsTheStringKeyedOne() throws {
        XCTAssertEqual(try central.document(audit: audit).encoded(pretty: true),
                       try central.legacyDocument(audit: audit).encoded(pretty: true), "a fresh audit")
        try recordEverything()
        let document = try central.auditDocument(audit: audit)
        XCTAssertFalse(document.conflicts.isEmpty)
        XCTAssertEqual(document.removed.map(\.entity), ["finding", "note"])
        XCTAssertEqual(document.carriedFindings.map(\.carriedFrom), ["A-2026-0000/F-OLD00001"])
        XCTAssertEqual(document.json.encoded(pretty: true), try central.legacyDocument(audit: audit).encoded(pretty: true))
        XCTAssertEqual(document.json.encoded(pretty: false), try central.legacyDocument(audit: audit).encoded(pretty: false))
    }

    func testADocumentReadsBackAsItselfAndPrintsTheSameBytes() throws {
        try recordEverything()
        let document = try central.auditDocument(audit: audit)
        XCTAssertEqual(AuditDocument(json: document.json), document)
        XCTAssertEqual(AuditDocument(json: document.json).json.encoded(pretty: true), document.json.encoded(pretty: true))
    }

    func testAnyJSONReadsAsADocumentWithWhatItHas() {
        XCTAssertEqual(AuditDocument(json: .null).audit, "")
        XCTAssertEqual(AuditDocument(json: "not a document").checklist, [])
        let partial = AuditDocument(json: [
            "audit": "A-1", "standards": ["iso42001:2023", 7, nil], "planned": "soon",
            "checklist": [["item": "iso42001:2023/4.1"], "junk"], "findings": [["id": "F-1", "grade": ["major"]]],
            "recommendation": ["note": "no decision"], "summary": ["items": "many", "results": ["conform": 2, "odd": "x"]],
        ])
        XCTAssertEqual(partial.audit, "A-1")
        XCTAssertEqual(partial.standards, ["iso42001:2023", "7"])
        XCTAssertNil(partial.planned)
        XCTAssertEqual(partial.checklist, [AuditDocument.ChecklistEntry(item: "iso42001:2023/4.1", title: "", result: "not-audited")])
        XCTAssertEqual(partial.findings, [AuditDocument.Finding(id: "F-1")])
        XCTAssertNil(partial.recommendation, "a recommendation without a decision is none")
        XCTAssertEqual(partial.summary, AuditDocument.Summary(items: 0, results: ["conform": 2]))
    }
}
