import Foundation
import XCTest

/// Competence and impartiality (SPEC §2.1): qualifications are recorded, and someone with a
/// declared conflict of interest with a client is never on its audits nor decides on them.
final class ImpartialityTests: XCTestCase {
    func testAConflictOfInterestKeepsAPersonOffTheClientsAuditsAndItsDecisions() throws {
        let scratch = try ScratchDirectory(prefix: "auditsync-impartiality")
        let data = scratch.appending("central")
        func central(_ arguments: [String]) throws -> CLIResult { try CLI.run(["central"] + arguments + ["--data", data.path]) }
        for step: [String] in [
            ["init", "--name", "Impartial Body"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso42001:2023"],
            ["auditor", "add", "--id", "dan", "--name", "Dan Ruiz", "--role", "lead"],
            ["auditor", "add", "--id", "carol", "--name", "Carol Ng", "--role", "reviewer"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin"],
        ] {
            XCTAssertEqual(try central(step).status, 0, "\(step)")
        }
        let qualified = try central(["auditor", "qualify", "--auditor", "alice", "--standard", "iso27001:2022", "--json"])
        XCTAssertEqual(try jsonObject(qualified)["qualified"] as? [String], ["iso27001:2022", "iso42001:2023"])
        XCTAssertEqual(try central(["auditor", "qualify", "--auditor", "nobody", "--standard", "iso27001:2022"]).status, 1)

        XCTAssertEqual(try central(["auditor", "declare", "--auditor", "dan", "--client", "C-0001",
                                    "--reason", "employed by Acme until 2025"]).status, 0)
        let onTeam = try central(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
                                  "--scope", "AI hiring", "--lead", "alice", "--auditor", "dan"])
        let refusal = assertFailure(onTeam, status: 1)
        XCTAssertTrue(refusal.contains("dan declared a conflict of interest with client C-0001")
                      && refusal.contains("employed by Acme until 2025"), refusal)
        XCTAssertEqual(try central(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
                                    "--scope", "AI hiring", "--lead", "alice"]).status, 0, "without him it is planned")

        XCTAssertEqual(try central(["auditor", "declare", "--auditor", "carol", "--client", "C-0001",
                                    "--reason", "consultant to Acme in 2025"]).status, 0)
        let decision = try central(["decide", "--audit", "A-2026-0001", "--reviewer", "carol", "--refuse", "--reason", "x"])
        XCTAssertTrue(assertFailure(decision, status: 1).contains("never the reviewer deciding"), "\(decision)")
        XCTAssertEqual(try central(["decision", "show", "--audit", "A-2026-0001"]).stdout, "audit A-2026-0001 is not decided yet\n")
        XCTAssertEqual(try central(["auditor", "declare", "--auditor", "carol", "--client", "C-0009", "--reason", "x"]).status, 1)
    }
}
