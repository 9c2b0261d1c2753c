import AuditDomain
import Foundation
import MergeCore
import ReplicaStore
import TestSupport
import XCTest

@testable import AuditReplica

/// A frozen audit (decided, or followed up by a later audit) on a laptop: every operation is
/// refused with the reason, before it writes a record or copies a file (SPEC §2.1).
final class FrozenAuditTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var central: AuditReplica!
    private var alice: AuditReplica!
    private var finding = ""
    private let audit = ReplicaFixture.auditID
    private let reason = "decided on 2026-12-04: granted, certificate CERT-2026-0001"

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
        central = try ReplicaFixture.replica("central", in: directory.url)
        try central.createAudit(ReplicaFixture.plan())
        alice = try ReplicaFixture.replica("alice", in: directory.url)
        try ReplicaFixture.exchange(central, alice)
        finding = try alice.addFinding(audit: audit, item: "iso42001:2023/6.1.2", grade: .minor, statement: "No risk criteria")
        try ReplicaFixture.exchange(alice, central)
        try central.writePlan([FieldWrite(AuditSchema.Entity.audit, audit, AuditSchema.AuditField.frozen, .text(reason))])
        try ReplicaFixture.exchange(central, alice)
    }

    override func tearDown() {
        central = nil
        alice = nil
        directory = nil
    }

    func testTheLaptopSeesTheFreezeAndItsReason() throws {
        XCTAssertEqual(try alice.plan(of: audit).frozen, reason)
        XCTAssertEqual(try alice.document(audit: audit)["frozen"], .string(reason))
    }

    func testEveryWriteToAFrozenAuditIsRefusedAndLeavesNothingBehind() throws {
        let file = directory.url.appendingPathComponent("photo.jpg")
        try Data("a photo".utf8).write(to: file)
        let blobs = directory.url.appendingPathComponent("alice/blobs")
        let operations: [(String, () throws -> Void)] = [
            ("respond", { try self.alice.recordResult(audit: self.audit, item: "iso42001:2023/4.1", result: .conform, note: nil) }),
            ("finding add", { try self.alice.addFinding(audit: self.audit, item: "iso42001:2023/4.1", grade: .minor,
                                                        statement: "x", evidenceFiles: [file]) }),
            ("finding update", { try self.alice.updateFinding(self.finding, FindingUpdate(statement: "restated")) }),
            ("finding remove", { try self.alice.removeFinding(self.finding) }),
            ("evidence add", { try self.alice.addEvidence(audit: self.audit, finding: nil, file: file) }),
            ("recommend", { try self.alice.recommend(audit: self.audit, .grant, note: nil) }),
            ("note", { try self.alice.addNote(audit: self.audit, item: nil, text: "after the decision") }),
        ]
        let records = try alice.store.recordCount()
        let files = try blobFiles(blobs)
        for (name, operation) in operations {
            XCTAssertThrowsError(try operation(), name) { error in
                XCTAssertEqual(error as? DomainError, .auditFrozen(audit: audit, reason: reason), name)
            }
        }
        XCTAssertEqual(try alice.store.recordCount(), records, "no record written")
        XCTAssertEqual(try blobFiles(blobs), files, "no evidence file copied in")
    }

    func testTheErrorSaysTheAuditIsReadOnlyAndWhy() {
        XCTAssertEqual(DomainError.auditFrozen(audit: audit, reason: reason).description,
                       "audit \(audit) is read-only (\(reason)); nothing more is written to it")
    }

    private func blobFiles(_ root: URL) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.sorted()
    }
}
