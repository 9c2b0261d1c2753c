import AuditDomain
import Foundation
import MergeCore
import ReplicaStore
import TestSupport
import XCTest

@testable import AuditReplica

/// The grant rules of SPEC §2.1 that rest on the record itself: no unresolved conflict, a finding
/// on every nonconform item, `not-applicable` only where the standard permits an exclusion. Each
/// starts from an audit that could be granted and breaks it in one way.
final class CertificationGapTests: XCTestCase {
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
        for line in try alice.checklist(audit: audit) {
            try alice.recordResult(audit: audit, item: line.item.description, result: .conform, note: nil)
        }
        try alice.recommend(audit: audit, .grant, note: nil)
        try ReplicaFixture.exchange(alice, bob)
    }

    override func tearDown() {
        alice = nil
        bob = nil
        directory = nil
    }

    func testAConformingAuditWithTheLeadsGrantHasNoGap() throws {
        XCTAssertEqual(try alice.certificationGaps(audit: audit), [])
    }

    func testAnUnresolvedConflictBlocksTheGrantUntilTheTeamRecordsTheFieldAgain() throws {
        let item = "iso42001:2023/6.1.2"
        try alice.recordResult(audit: audit, item: item, result: .conform, note: "Method documented")
        try bob.recordResult(audit: audit, item: item, result: .conform, note: "Seen in the risk register")
        try ReplicaFixture.exchange(bob, alice)

        let gaps = try alice.certificationGaps(audit: audit)
        XCTAssertEqual(gaps, ["3 unresolved conflicts (checklist item \(item): by, note, result): "
                              + "the team resolves each by recording the field again, then syncs"])

        try alice.recordResult(audit: audit, item: item, result: .conform, note: "Method documented, seen in the register")
        XCTAssertEqual(try alice.certificationGaps(audit: audit), [])
    }

    func testANonconformItemNeedsAFindingRaisedOnIt() throws {
        let item = "iso42001:2023/6.1.2"
        try alice.recordResult(audit: audit, item: item, result: .nonconform, note: "No risk criteria")
        let gap = "\(item) is nonconform but has no finding; raise one on it (`field finding add --item \(item)`) or record the item again"
        XCTAssertEqual(try alice.certificationGaps(audit: audit), [gap])

        // A finding elsewhere does not cover it.
        let elsewhere = try alice.addFinding(audit: audit, item: "iso42001:2023/4.1", grade: .observation, statement: "Could be clearer")
        XCTAssertEqual(try alice.certificationGaps(audit: audit), [gap])

        let finding = try alice.addFinding(audit: audit, item: item, grade: .observation, statement: "Risk criteria are not approved")
        XCTAssertEqual(try alice.certificationGaps(audit: audit), [])

        // A withdrawn finding no longer covers it.
        try alice.removeFinding(finding)
        try alice.removeFinding(elsewhere)
        XCTAssertEqual(try alice.certificationGaps(audit: audit), [gap])
    }

    func testNotApplicableOnAMandatoryClauseBlocksTheGrantWhoeverWroteIt() throws {
        // Written past the laptop's entry check, as an older laptop or a tampering peer could:
        // the grant rule must hold on the record alone.
        let item = "iso42001:2023/4.2"
        let key = AuditSchema.memberKey(audit: audit, member: item)
        try bob.store.write([
            FieldWrite(AuditSchema.Entity.item, key, AuditSchema.ItemField.result, .text(ChecklistResult.notApplicable.rawValue)),
            FieldWrite(AuditSchema.Entity.item, key, AuditSchema.ItemField.note, .text("We have no interested parties")),
        ])
        try ReplicaFixture.exchange(bob, alice)
        XCTAssertEqual(try alice.certificationGaps(audit: audit), [
            "\(item) is not-applicable, but ISO/IEC 42001:2023 does not let a client exclude it; it needs conform, or nonconform with a finding",
        ])
    }

    func testNotApplicableOnAnAnnexControlStillLetsTheAuditBeGranted() throws {
        try alice.recordResult(audit: audit, item: "iso42001:2023/A.10.4", result: .notApplicable, note: "No external customers")
        XCTAssertEqual(try alice.certificationGaps(audit: audit), [])
    }

    func testTheLaptopRefusesNotApplicableOnAMandatoryItemAtEntry() throws {
        let before = try alice.store.recordCount()
        XCTAssertThrowsError(try alice.recordResult(audit: audit, item: "iso42001:2023/6.1.2", result: .notApplicable,
                                                    note: "We do not assess risk")) { error in
            XCTAssertEqual(error as? DomainError, .notExcludable(item: "iso42001:2023/6.1.2", standard: "ISO/IEC 42001:2023"))
            XCTAssertEqual(String(describing: error),
                           "iso42001:2023/6.1.2 cannot be not-applicable: ISO/IEC 42001:2023 does not let a client exclude it, so a "
                           + "grant would fail; record conform, or nonconform with a finding (`field checklist` marks the items "
                           + "that may be excluded)")
        }
        XCTAssertEqual(try alice.store.recordCount(), before, "nothing written")
    }

    func testACarriedFindingCountsLikeTheAuditsOwnAndIsNamedWithItsOrigin() throws {
        // Carried findings are created at the central (the lead's work); written here directly.
        let key = AuditSchema.memberKey(audit: audit, member: "F-CARRIED1")
        typealias F = AuditSchema.FindingField
        try alice.store.write([
            FieldWrite(AuditSchema.Entity.finding, key, AuditSchema.present, .bool(true)),
            FieldWrite(AuditSchema.Entity.finding, key, F.item, .text("iso42001:2023/6.1.2")),
            FieldWrite(AuditSchema.Entity.finding, key, F.grade, .text(FindingGrade.minor.rawValue)),
            FieldWrite(AuditSchema.Entity.finding, key, F.status, .text(FindingStatus.responded.rawValue)),
            FieldWrite(AuditSchema.Entity.finding, key, F.carriedFrom, .text("A-2025-0007/F-7HF9JHJ2")),
        ])
        XCTAssertEqual(try alice.certificationGaps(audit: audit),
                       ["minor finding F-CARRIED1 (carried from A-2025-0007/F-7HF9JHJ2) is responded; it must be at least accepted"])
    }
}
