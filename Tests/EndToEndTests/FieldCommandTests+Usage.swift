import FieldNode
import Foundation
import XCTest

/// Mistakes: bad values on the command line are bad usage (exit 2, before any data is read),
/// what the replica refuses exits 1 in its own words, and a laptop that is not enrolled says so.
extension FieldCommandTests {
    func testBadValuesAreBadUsage() throws {
        let audit = ["--audit", "A-2026-0001"]
        let cases: [([String], String)] = [
            (["respond"] + audit + ["--item", "iso42001:2023/4.1", "--result", "maybe"],
             "error: 'maybe' is not a valid result; use one of: conform, nonconform, not-applicable, not-audited "
                + "(see `auditsync field respond --help`)"),
            (["respond"] + audit + ["--item", "4.1", "--result", "conform"],
             "error: '4.1' is not a checklist item; write STANDARD/ITEM, e.g. iso42001:2023/6.1 or iso27001:2022/A.5.1 "
                + "(see `auditsync field respond --help`)"),
            (["respond"] + audit + ["--item", "iso42001:2023/4.2", "--result", "not-applicable"],
             "error: iso42001:2023/4.2: not-applicable needs a justification; add --note \"why it does not apply\" "
                + "(see `auditsync field respond --help`)"),
            (["finding", "add"] + audit + ["--item", "iso42001:2023/4.1", "--grade", "critical", "--statement", "x"],
             "error: 'critical' is not a valid finding grade; use one of: major, minor, observation, improvement "
                + "(see `auditsync field finding add --help`)"),
            (["finding", "add"] + audit + ["--item", "iso42001:2023/4.1", "--grade", "minor", "--statement", " "],
             "error: the finding statement is empty; write something the client and the reviewer can read "
                + "(see `auditsync field finding add --help`)"),
            (["finding", "update", "--finding", "F-00000000", "--status", "done"],
             "error: 'done' is not a valid finding status; use one of: open, responded, accepted, closed "
                + "(see `auditsync field finding update --help`)"),
            (["finding", "update", "--finding", "F-00000000", "--grade", "huge"],
             "error: 'huge' is not a valid finding grade; use one of: major, minor, observation, improvement "
                + "(see `auditsync field finding update --help`)"),
            (["finding", "update", "--finding", "F-00000000"],
             "error: give at least one of --grade, --statement, --status or --note (see `auditsync field finding update --help`)"),
            (["finding", "update", "--finding", "F-00000000", "--status", "responded"],
             "error: finding F-00000000: moving to responded records the client's correction and corrective action plan; "
                + "add --note \"…\" (see `auditsync field finding update --help`)"),
            (["recommend"] + audit, "error: give exactly one of --grant or --refuse (see `auditsync field recommend --help`)"),
            (["recommend"] + audit + ["--grant", "--refuse"],
             "error: give exactly one of --grant or --refuse (see `auditsync field recommend --help`)"),
        ]
        let nowhere = scratch.appending("nobody")
        for (arguments, message) in cases {
            XCTAssertEqual(assertFailure(try field(arguments, on: nowhere), status: 2), message)
            assertFailure(try field(arguments, on: nowhere, json: true), status: 2)
        }
        assertFailure(try field(["evidence", "add"] + audit, on: nowhere), status: 2)
        assertFailure(try field(["checklist"], on: nowhere), status: 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: nowhere.path), "bad usage touches no data directory")
    }

    func testALaptopNotEnrolledOrWithoutANodeIsToldWhatToDo() throws {
        let laptop = scratch.appending("laptop")
        _ = try FieldNode(at: laptop, create: true)   // created, as a cut `field init` leaves it
        let nowhere = scratch.appending("nobody")
        let evidence = scratch.appending("photo.jpg")
        try Data("photo".utf8).write(to: evidence)
        let commands: [[String]] = [
            ["audits"], ["audit", "show", "--audit", "A-2026-0001"], ["checklist", "--audit", "A-2026-0001"],
            ["respond", "--audit", "A-2026-0001", "--item", "iso42001:2023/4.1", "--result", "conform"],
            ["finding", "add", "--audit", "A-2026-0001", "--item", "iso42001:2023/4.1", "--grade", "minor", "--statement", "x"],
            ["finding", "update", "--finding", "F-00000000", "--grade", "major"],
            ["evidence", "add", "--audit", "A-2026-0001", evidence.path],
            ["conflicts", "--audit", "A-2026-0001"], ["recommend", "--audit", "A-2026-0001", "--grant"],
        ]
        for command in commands {
            XCTAssertEqual(assertFailure(try field(command, on: laptop), status: 1),
                           "error: the field node in \(laptop.path) is not enrolled yet; run `auditsync field init --token TOKEN` first")
            assertFailure(try field(command, on: laptop, json: true), status: 1)
        }
        XCTAssertEqual(assertFailure(try field(["audits"], on: nowhere), status: 1),
                       "error: no field node in \(nowhere.path); enroll this laptop with `auditsync field init --token TOKEN` "
                        + "(or pass --data DIR)")
    }

    func testWhatTheReplicaRefusesExitsOneInItsOwnWords() throws {
        let alice = try team(["alice"])[0]
        let cases: [([String], String)] = [
            (["checklist", "--audit", "A-1999-0042"],
             "error: no audit A-1999-0042 on this node; check the audit id (`central audit create` printed it)"),
            (["respond", "--audit", audit, "--item", "iso27001:2022/A.5.1", "--result", "conform"],
             "error: iso27001:2022/A.5.1 is not on the checklist of audit \(audit); "
                + "`auditsync field checklist --audit \(audit)` lists it"),
            (["finding", "update", "--finding", "F-00000000", "--grade", "major"], "error: no finding F-00000000 on this node"),
            (["evidence", "add", "--audit", audit, scratch.appending("missing.jpg").path],
             "error: cannot read evidence file \(scratch.appending("missing.jpg").path); check the path and its permissions"),
            (["finding", "add", "--audit", audit, "--item", "iso42001:2023/4.1", "--grade", "minor", "--statement", "x",
              "--evidence", scratch.appending("missing.jpg").path],
             "error: cannot read evidence file \(scratch.appending("missing.jpg").path); check the path and its permissions"),
        ]
        for (arguments, message) in cases {
            XCTAssertEqual(assertFailure(try field(arguments, on: alice), status: 1), message)
        }
        let finding = try XCTUnwrap(try fieldJSON(["finding", "add", "--audit", audit, "--item", "iso42001:2023/4.1",
                                                   "--grade", "minor", "--statement", "x"], on: alice)["id"] as? String)
        XCTAssertEqual(assertFailure(try field(["finding", "update", "--finding", finding, "--status", "closed", "--note", "done"],
                                               on: alice), status: 1),
                       "error: finding \(finding) is open and cannot move to closed; its next status is responded")
        XCTAssertEqual((try fieldJSON(["audit", "show", "--audit", audit], on: alice)["findings"] as? [Any])?.count, 1,
                       "a refused command changes nothing")
    }

    func testEveryFieldCommandsHelpShowsAnExample() throws {
        let commands: [[String]] = [
            ["audits"], ["audit", "show"], ["checklist"], ["respond"], ["finding", "add"], ["finding", "update"],
            ["evidence", "add"], ["conflicts"], ["recommend"],
        ]
        for command in commands {
            let result = try CLI.run(["field"] + command + ["--help"])
            assertSuccess(result)
            XCTAssertTrue(result.stdout.contains("Example"), "help of field \(command.joined(separator: " ")) has an example\n\(result)")
            XCTAssertTrue(result.stdout.contains("USAGE: auditsync field \(command.joined(separator: " "))"), "\(result)")
        }
        for group in [["field"], ["field", "finding"], ["field", "evidence"], ["field", "audit"]] {
            let result = try CLI.run(group)
            assertSuccess(result)
            XCTAssertTrue(result.stdout.contains("USAGE: auditsync \(group.joined(separator: " "))"), "\(result)")
        }
    }
}
