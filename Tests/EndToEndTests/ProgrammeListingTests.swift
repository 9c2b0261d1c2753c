import Foundation
import XCTest

/// `central client list` and `central audit list`, with their filters.
final class ProgrammeListingTests: XCTestCase {
    func testClientsAndAuditsAreListedAndFilteredByClientKindAndState() throws {
        let scratch = try ScratchDirectory(prefix: "auditsync-listings")
        let data = scratch.appending("central")
        func central(_ arguments: [String]) throws -> CLIResult { try CLI.run(["central"] + arguments + ["--data", data.path]) }
        XCTAssertEqual(try central(["init", "--name", "Listing Body"]).status, 0)
        XCTAssertTrue(try central(["client", "list"]).stdout.contains("no clients yet"))
        for step: [String] in [
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso42001:2023", "--qualified", "iso27001:2022"],
            ["auditor", "add", "--id", "carol", "--name", "Carol Ng", "--role", "reviewer"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin", "--site", "Cork"],
            ["client", "add", "--name", "Beta Models GmbH", "--site", "Berlin"],
            ["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage1",
             "--scope", "AI hiring", "--lead", "alice"],
            ["audit", "create", "--client", "C-0002", "--standard", "iso27001:2022", "--kind", "stage2",
             "--scope", "ISMS", "--lead", "alice"],
            ["decide", "--audit", "A-2026-0002", "--reviewer", "carol", "--refuse", "--reason", "stage 2 not held"],
        ] {
            XCTAssertEqual(try central(step).status, 0, "\(step)")
        }
        let clients = try jsonObject(try central(["client", "list", "--json"]))["clients"] as? [[String: Any]]
        XCTAssertEqual(clients?.map { $0["id"] as? String }, ["C-0001", "C-0002"])
        XCTAssertEqual(clients?.first?["sites"] as? [String], ["Dublin", "Cork"])

        func ids(_ filter: [String]) throws -> [String] {
            let result = try central(["audit", "list", "--json"] + filter)
            XCTAssertEqual(result.status, 0, "\(result)")
            return (try jsonObject(result)["audits"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        XCTAssertEqual(try ids([]), ["A-2026-0001", "A-2026-0002"])
        XCTAssertEqual(try ids(["--client", "C-0002"]), ["A-2026-0002"])
        XCTAssertEqual(try ids(["--kind", "stage1"]), ["A-2026-0001"])
        XCTAssertEqual(try ids(["--state", "refused"]), ["A-2026-0002"])
        XCTAssertEqual(try ids(["--state", "planned", "--client", "C-0002"]), [])
        XCTAssertTrue(try central(["audit", "list"]).stdout.contains("A-2026-0002  stage2  Beta Models GmbH (C-0002)  lead alice  refused"))
        XCTAssertEqual(try central(["audit", "list", "--kind", "stage3"]).status, 2)
        XCTAssertTrue(assertFailure(try central(["audit", "list", "--client", "C-0099"]), status: 1).contains("no client C-0099"))
    }
}
