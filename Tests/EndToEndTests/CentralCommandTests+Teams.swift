import Foundation
import XCTest
import TestSupport

/// `central audit team` and the competence rules of `central audit create`, argv in, output out.
extension CentralCommandTests {
    func testAuditTeamAddsRemovesAndChangesTheLead() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let audit = try XCTUnwrap(try jsonObject(try createAudit(data))["id"] as? String)
        assertSuccess(try central(["auditor", "add", "--id", "dan", "--name", "Dan Byrne", "--role", "lead",
                                   "--qualified", "iso42001:2023"], data: data))

        let added = try central(["audit", "team", "--audit", audit, "--add", "dan", "--json"], data: data)
        assertSuccess(added)
        let document = try jsonObject(added)
        XCTAssertEqual(document["audit"] as? String, audit)
        XCTAssertEqual(document["lead"] as? String, "alice")
        XCTAssertEqual(document["auditors"] as? [String], ["bob", "dan"])
        XCTAssertEqual(document["team"] as? [String], ["alice", "bob", "dan"])

        let led = try central(["audit", "team", "--audit", audit, "--lead", "dan"], data: data)
        XCTAssertEqual(led.stdout, "dan now leads audit \(audit): lead dan, auditors alice, bob\n")
        let removed = try central(["audit", "team", "--audit", audit, "--remove", "alice"], data: data)
        XCTAssertEqual(removed.stdout, "removed alice from audit \(audit): lead dan, auditors bob\n")
        let shown = try central(["audit", "show", "--audit", audit, "--json"], data: data).stdout
        XCTAssertTrue(shown.contains("\"lead\": \"dan\""), shown)
    }

    func testAuditTeamRefusesWhatTheRulesForbid() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let audit = try XCTUnwrap(try jsonObject(try createAudit(data))["id"] as? String)
        let lead = assertFailure(try central(["audit", "team", "--audit", audit, "--remove", "alice"], data: data), status: 1)
        XCTAssertTrue(lead.contains("alice leads audit \(audit), and a team keeps a lead: make another member the lead first"), lead)
        assertSuccess(try central(["auditor", "qualify", "--auditor", "bob", "--standard", "iso9001:2015"], data: data))
        let both = try XCTUnwrap(try jsonObject(try createAudit(data, standards: ["iso42001:2023", "iso9001:2015"]))["id"] as? String)
        let competence = assertFailure(try central(["audit", "team", "--audit", both, "--remove", "bob"], data: data), status: 1)
        XCTAssertTrue(competence.hasPrefix("error: no member of the team (alice) is qualified for iso9001:2015 (qualified: bob)"),
                      competence)
        let role = assertFailure(try central(["audit", "team", "--audit", audit, "--lead", "carol"], data: data), status: 1)
        XCTAssertEqual(role, "error: auditor carol does not have the lead role")
        let usage = assertFailure(try central(["audit", "team", "--audit", audit, "--add", "bob", "--remove", "bob"], data: data),
                                  status: 2)
        XCTAssertTrue(usage.contains("exactly one of --add AUDITOR, --remove AUDITOR or --lead AUDITOR"), usage)

        assertSuccess(try central(["decide", "--audit", audit, "--reviewer", "carol", "--refuse", "--reason", "not held"], data: data))
        let decided = assertFailure(try central(["audit", "team", "--audit", audit, "--add", "bob"], data: data), status: 1)
        XCTAssertTrue(decided.contains("its team can no longer change"), decided)
    }

    func testAuditCreateRefusesATeamWithoutTheCompetenceItNeeds() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let missing = assertFailure(try createAudit(data, standards: ["iso42001:2023", "iso9001:2015"]), status: 1)
        XCTAssertTrue(missing.hasPrefix("error: no member of the team (alice, bob) is qualified for iso9001:2015 (qualified: nobody yet)"),
                      missing)
        XCTAssertTrue(missing.contains("`auditsync central auditor qualify --auditor ID --standard iso9001:2015`"), missing)
        assertSuccess(try central(["auditor", "qualify", "--auditor", "bob", "--standard", "iso9001:2015"], data: data))
        assertSuccess(try createAudit(data, standards: ["iso42001:2023", "iso9001:2015"]))

        assertSuccess(try central(["auditor", "add", "--id", "lou", "--name", "Lou Park", "--role", "lead"], data: data))
        let lead = assertFailure(try createAudit(data, lead: "lou"), status: 1)
        XCTAssertTrue(lead.hasPrefix("error: the lead lou is qualified for none of the audit's standards (iso42001:2023; "
                                     + "lou is qualified for nothing yet)"), lead)
    }
}
