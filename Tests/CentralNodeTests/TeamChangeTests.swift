import AuditDomain
import AuditReplica
import Foundation
import MergeCore
import ReplicaStore
import WireProtocol
import XCTest

@testable import CentralNode

/// Competence when a team is planned, and team changes after it (SPEC §2.1): each refusal names
/// its rule and whom; an accepted change is a plan record the sync desk reads at once.
final class TeamChangeTests: XCTestCase {
    private var scratch: CentralTestDirectory!
    private var central: Central!
    private var audit = ""
    private let iso42001 = StandardID("iso42001:2023")
    private let iso27001 = StandardID("iso27001:2022")

    /// alice (lead, 42001), bob (42001), dan (lead, 42001 and 27001), erin (27001), rita
    /// (reviewer), carl (conflict with the client); A-…-0001 is alice's with bob, on ISO/IEC 42001.
    override func setUpWithError() throws {
        scratch = try CentralTestDirectory()
        central = try Central.initialize(at: scratch.url.appendingPathComponent("central"), name: "Cert Body")
        let people: [(String, [AuditorRole], [String])] = [
            ("alice", [.lead], ["iso42001:2023"]), ("bob", [], ["iso42001:2023"]),
            ("dan", [.lead], ["iso42001:2023", "iso27001:2022"]), ("erin", [], ["iso27001:2022"]),
            ("rita", [.reviewer], []), ("carl", [], ["iso42001:2023"]),
        ]
        for (id, roles, standards) in people {
            try central.addAuditor(id: id, name: id.capitalized, roles: roles)
            for standard in standards { try central.qualify(auditor: id, for: StandardID(standard)) }
        }
        let client = try central.addClient(name: "Acme", sites: ["Dublin"])
        try central.declareConflict(auditor: "carl", client: client, reason: "consultant to Acme in 2025")
        audit = try central.createAudit(client: client, standards: [iso42001], kind: .stage2, scope: "AI",
                                        lead: "alice", auditors: ["bob"])
    }

    private func assertRefused(_ expected: TeamError, file: StaticString = #filePath, line: UInt = #line,
                               _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? TeamError, expected, "\(error)", file: file, line: line)
        }
    }

    // MARK: competence at planning

    func testAnAuditNeedsAQualifiedMemberForEachCertifiableStandard() throws {
        assertRefused(.noQualifiedMember(standard: iso27001, team: ["alice", "bob"], qualifiedElsewhere: ["dan", "erin"])) {
            _ = try central.createAudit(client: "C-0001", standards: [iso42001, iso27001], kind: .stage2, scope: "AI",
                                        lead: "alice", auditors: ["bob"])
        }
        let message = "\(TeamError.noQualifiedMember(standard: iso27001, team: ["alice", "bob"], qualifiedElsewhere: ["dan", "erin"]))"
        XCTAssertTrue(message.contains("no member of the team (alice, bob) is qualified for iso27001:2022 (qualified: dan, erin)")
                      && message.contains("central auditor qualify"), message)
        XCTAssertNoThrow(try central.createAudit(client: "C-0001", standards: [iso42001, iso27001], kind: .stage2, scope: "AI",
                                                 lead: "alice", auditors: ["erin"]), "erin brings ISO/IEC 27001")
    }

    func testTheLeadMustBeQualifiedForOneOfTheStandards() throws {
        try central.addAuditor(id: "lou", name: "Lou", roles: [.lead])
        assertRefused(.leadNotQualified(lead: "lou", standards: [iso42001], qualifiedFor: [])) {
            _ = try central.createAudit(client: "C-0001", standards: [iso42001], kind: .stage2, scope: "AI",
                                        lead: "lou", auditors: ["bob"])
        }
        XCTAssertEqual(try central.replica.audits().count, 1, "nothing was planned")
    }

    func testAReferenceOnlyStandardNeedsNoQualifiedMember() throws {
        XCTAssertNoThrow(try central.createAudit(client: "C-0001", standards: [iso42001, StandardID("iso23894:2023")],
                                                 kind: .stage2, scope: "AI", lead: "alice", auditors: []))
    }

    // MARK: changes

    func testAnAddedMemberIsOnTheTeamAndTheirWorkIsTakenAtOnce() throws {
        let dan = NodeID(rawValue: 0xDA7)
        let desk = SyncDesk(central: central)
        XCTAssertFalse(try desk.visibleAudits(of: "erin").contains(audit))
        let plan = try central.changeTeam(of: audit, .add("erin"))
        XCTAssertEqual(plan.team, ["alice", "bob", "erin"])
        XCTAssertTrue(try desk.visibleAudits(of: "erin").contains(audit), "erin's laptop receives it at its next sync")
        let stamp = Timestamp(milliseconds: ReplicaStore.wallClockMilliseconds(), counter: 0, node: dan)
        let note = [("text", "on site"), ("by", "erin")].map {
            MergeRecord(entity: "note", key: "\(audit)/N-7K2M9QXA", field: $0.0, value: .text($0.1), timestamp: stamp)
        }
        let sealer = TestSealer(central: central)
        _ = try sealer.key(for: dan, auditor: "erin")
        XCTAssertEqual(try desk.push(try sealer.batch(through: 1, records: note, auditor: "erin"), from: dan, auditor: "erin").accepted, 2)
    }

    func testARemovedMemberNoLongerPullsNorPushesTheAudit() throws {
        let desk = SyncDesk(central: central)
        XCTAssertEqual(try central.changeTeam(of: audit, .remove("bob")).team, ["alice"])
        XCTAssertFalse(try desk.visibleAudits(of: "bob").contains(audit))
        let bobNode = NodeID(rawValue: 0xB0B)
        let stream = try PullStream(desk: desk, node: bobNode, auditor: "bob", request: PullRequest(cursor: 0, heldAudits: [audit]))
        var listed: [String]?
        while let message = try stream.next() {
            XCTAssertNotEqual(message.type, .records, "nothing of the audit comes down")
            if message.type == .pulled { listed = try PullDone(payload: message.payload).audits }
        }
        XCTAssertEqual(listed, [], "the audits bob's laptop will hold: none")
        let late = MergeRecord(entity: "note", key: "\(audit)/N-2", field: "text", value: .text("late"),
                               timestamp: Timestamp(milliseconds: ReplicaStore.wallClockMilliseconds(), counter: 0, node: bobNode), seen: [])
        let answer = try desk.push(try TestSealer(central: central).batch(through: 1, records: [late], auditor: "bob"),
                                   from: bobNode, auditor: "bob")
        XCTAssertTrue(answer.refusals.first?.reason.contains("not on the team") ?? false, "\(answer)")
    }

    func testANewLeadLeadsAndTheOldLeadStaysOnTheTeam() throws {
        let plan = try central.changeTeam(of: audit, .lead("dan"))
        XCTAssertEqual(plan.lead, "dan")
        XCTAssertEqual(plan.team, ["dan", "alice", "bob"])
        XCTAssertEqual(try central.changeTeam(of: audit, .remove("alice")).team, ["dan", "bob"], "alice leaves once she no longer leads")
    }

    func testTheLeadIsNeverRemoved() {
        assertRefused(.removingLead(auditor: "alice", audit: audit)) { try central.changeTeam(of: audit, .remove("alice")) }
    }

    func testANewLeadNeedsTheLeadRoleAndAQualification() throws {
        XCTAssertThrowsError(try central.changeTeam(of: audit, .lead("bob"))) {
            XCTAssertEqual($0 as? CentralError, .missingRole(auditor: "bob", role: "lead"))
        }
        try central.addAuditor(id: "lou", name: "Lou", roles: [.lead])
        assertRefused(.leadNotQualified(lead: "lou", standards: [iso42001], qualifiedFor: [])) {
            try central.changeTeam(of: audit, .lead("lou"))
        }
        XCTAssertEqual(try central.replica.plan(of: audit).lead, "alice", "a refused change writes nothing")
    }

    func testRemovingTheOnlyQualifiedMemberIsRefused() throws {
        let both = try central.createAudit(client: "C-0001", standards: [iso42001, iso27001], kind: .stage2, scope: "AI",
                                           lead: "alice", auditors: ["erin"])
        assertRefused(.noQualifiedMember(standard: iso27001, team: ["alice"], qualifiedElsewhere: ["dan", "erin"])) {
            try central.changeTeam(of: both, .remove("erin"))
        }
    }

    func testSomeoneWithAConflictOfInterestIsNotAdded() {
        XCTAssertThrowsError(try central.changeTeam(of: audit, .add("carl"))) { error in
            guard case .conflictOfInterest(let auditor, _, let reason, _) = error as? CentralError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(auditor, "carl")
            XCTAssertEqual(reason, "consultant to Acme in 2025")
        }
    }

    func testChangesThatChangeNothingOrNameNobodyAreRefused() {
        assertRefused(.alreadyOnTeam(auditor: "bob", audit: audit)) { try central.changeTeam(of: audit, .add("bob")) }
        assertRefused(.notOnTeam(auditor: "dan", audit: audit)) { try central.changeTeam(of: audit, .remove("dan")) }
        assertRefused(.alreadyLead(auditor: "alice", audit: audit)) { try central.changeTeam(of: audit, .lead("alice")) }
        XCTAssertThrowsError(try central.changeTeam(of: audit, .add("zed"))) {
            XCTAssertEqual($0 as? CentralError, .unknownAuditor("zed"))
        }
        XCTAssertThrowsError(try central.changeTeam(of: "A-2099-0001", .add("dan"))) {
            XCTAssertEqual($0 as? DomainError, .unknownAudit("A-2099-0001"))
        }
    }

    func testADecidedAuditsTeamNoLongerChanges() throws {
        _ = try central.decide(audit: audit, reviewer: "rita", grant: false, reason: "stage 2 not held")
        XCTAssertThrowsError(try central.changeTeam(of: audit, .add("dan"))) { error in
            XCTAssertTrue("\(error)".contains("is decided (refused by rita)") || "\(error)".contains("read-only"), "\(error)")
        }
        XCTAssertEqual(try central.replica.plan(of: audit).team, ["alice", "bob"])
    }

    func testAFrozenAuditsTeamNoLongerChanges() throws {
        try central.replica.writePlan([FieldWrite(AuditSchema.Entity.audit, audit, AuditSchema.AuditField.frozen,
                                                  .text("followed up by A-2027-0001"))])
        assertRefused(.frozen(audit: audit, reason: "followed up by A-2027-0001")) { try central.changeTeam(of: audit, .add("dan")) }
    }
}
