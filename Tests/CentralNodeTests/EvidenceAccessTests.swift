import MergeCore
import ReplicaStore
import XCTest

@testable import CentralNode

/// `EvidenceAccess`, the rule that evidence belongs to its audit: what a node may fetch, and
/// what the central asks it for, depend on the audits it may read alone.
final class EvidenceAccessTests: XCTestCase {
    private let file = String(repeating: "ab", count: 32)

    private func access(named: Set<String> = ["A"], own: Set<String> = [], held: Set<String> = [],
                        stored: Bool = true) -> EvidenceAccess {
        EvidenceAccess(named: named.isEmpty ? [:] : [file: named], ownRecords: own.isEmpty ? [:] : [file: own],
                       held: held.isEmpty ? [:] : [file: held], stored: { _ in stored })
    }

    func testAFileIsFetchedOnlyThroughAnAuditItIsHeldFor() {
        XCTAssertTrue(access(held: ["A"]).mayFetch(file))
        XCTAssertFalse(access(held: []).mayFetch(file), "named in the node's audit, held only elsewhere (or nowhere)")
        XCTAssertFalse(access(held: ["A"], stored: false).mayFetch(file), "set aside as damaged: missing")
    }

    func testTheCentralAsksTheSameForAFileHeldOnlyForOtherAuditsAsForAnUnknownOne() {
        // A planted record: the node's own, in its audit, naming a file held (stored) for another
        // audit — which `held` never shows — or naming a file nobody has.
        XCTAssertEqual(access(own: ["A"], stored: true).wanted(file), ["A"])
        XCTAssertEqual(access(own: ["A"], stored: false).wanted(file), ["A"])
        // Named by a teammate's record, held nowhere the node may read: the same either way.
        XCTAssertEqual(access(stored: true).wanted(file), [])
        XCTAssertEqual(access(stored: false).wanted(file), [])
        XCTAssertNil(access(named: []).wanted(file), "a file its audits do not name is never asked for")
    }

    func testAFileTheCentralCanServeIsNotAskedForUnlessTheNodesOwnRecordNamesItInAnotherAudit() {
        XCTAssertNil(access(named: ["A"], own: ["A"], held: ["A"]).wanted(file))
        XCTAssertEqual(access(named: ["A", "B"], own: ["A", "B"], held: ["B"]).wanted(file), ["A"],
                       "the same file attached in a second audit is uploaded there")
        XCTAssertEqual(access(held: ["A"], stored: false).wanted(file), [], "bytes the central lost are asked back")
    }
}

/// Files a central held before `evidence_audits` existed are held for the audits whose evidence
/// records name them, so upgrading does not cut a team off its own evidence.
final class EvidenceAuditsMigrationTests: XCTestCase {
    func testTheMigrationHoldsEveryNamedFileForTheAuditsThatNameIt() throws {
        let scratch = try CentralTestDirectory()
        let central = try Central.initialize(at: scratch.url.appendingPathComponent("central"), name: "Cert Body")
        let file = String(repeating: "c3", count: 32)
        try central.store.write([FieldWrite("evidence", "A-2025-0001/E-7K2M9QXA", "sha256", .text(file)),
                                 FieldWrite("evidence", "A-2025-0002/E-7K2M9QXB", "sha256", .text(file)),
                                 FieldWrite("evidence", "A-2025-0002/E-7K2M9QXB", "name", .text("x.pdf")),
                                 FieldWrite("evidence", "A-2025-0003/E-7K2M9QXC", "sha256", .text("not a hash"))])
        // As a central before the migration: the table is made, and filled, by it.
        let migration = try XCTUnwrap(CentralSchema.migrations.first { $0.name == "0111-evidence-audits" })
        try central.store.database.execute("DROP TABLE evidence_audits")
        try central.store.database.execute(migration.sql)
        XCTAssertEqual(try central.evidenceHeld(for: ["A-2025-0001", "A-2025-0002", "A-2025-0003"]),
                       [file: ["A-2025-0001", "A-2025-0002"]])
    }
}
