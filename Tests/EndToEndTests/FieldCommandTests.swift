import Foundation
import XCTest

/// The field commands that work on the laptop's own replica, end to end: a real `central serve`
/// plans an audit, laptops enroll with `field init` and fetch it with `field sync`, and then
/// every command runs as an auditor would run it — offline, on the laptop's data directory.
final class FieldCommandTests: XCTestCase {
    private var server: ServerProcess?
    var scratch: ScratchDirectory!
    /// The audit the central planned, with alice as lead and bob on the team.
    var audit = ""

    override func setUpWithError() throws {
        scratch = try ScratchDirectory(prefix: "auditsync-field")
    }

    override func tearDown() {
        if let server, server.isRunning { server.kill() }
        super.tearDown()
    }

    /// Plans an audit at a served central and returns each auditor's laptop, enrolled and synced.
    func team(_ auditors: [String] = ["alice", "bob"], file: StaticString = #filePath, line: UInt = #line) throws -> [URL] {
        let data = scratch.appending("central")
        let steps: [[String]] = [
            ["init", "--name", "Field Test Body", "--listen", "127.0.0.1:0"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso42001:2023"],
            ["auditor", "add", "--id", "bob", "--name", "Bob Osei"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin"],
        ]
        for step in steps {
            let result = try CLI.run(["central"] + step + ["--data", data.path])
            XCTAssertEqual(result.status, 0, "\(result)", file: file, line: line)
        }
        let created = try CLI.run(["central", "audit", "create", "--client", "C-0001", "--standard", "iso42001:2023",
                                   "--kind", "stage2", "--scope", "AI hiring assistants", "--lead", "alice",
                                   "--auditor", "bob", "--json", "--data", data.path])
        audit = try XCTUnwrap(try jsonObject(created)["id"] as? String, "\(created)", file: file, line: line)
        let process = try ServerProcess(["central", "serve", "--listen", "127.0.0.1:0", "--data", data.path])
        server = process
        let listening = try XCTUnwrap(process.firstStdoutLine(timeout: 15), process.transcript, file: file, line: line)
        let port = try XCTUnwrap(listening.split(separator: ":").last.flatMap { UInt16($0) }, file: file, line: line)
        return try auditors.map { auditor in
            let enrolled = try CLI.run(["central", "enroll", "--auditor", auditor, "--address", "127.0.0.1:\(port)",
                                        "--json", "--data", data.path])
            let token = try XCTUnwrap(try jsonObject(enrolled)["token"] as? String, file: file, line: line)
            let laptop = scratch.appending(auditor)
            assertSuccess(try CLI.run(["field", "init", "--token", token, "--data", laptop.path]), file: file, line: line)
            try sync(laptop, file: file, line: line)
            return laptop
        }
    }

    /// `auditsync field ARGS --data LAPTOP`.
    func field(_ arguments: [String], on laptop: URL, json: Bool = false) throws -> CLIResult {
        try CLI.run(["field"] + arguments + (json ? ["--json"] : []) + ["--data", laptop.path])
    }

    /// Runs a field command that must succeed; returns its JSON document.
    @discardableResult
    func fieldJSON(_ arguments: [String], on laptop: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let result = try field(arguments, on: laptop, json: true)
        assertSuccess(result, file: file, line: line)
        XCTAssertNil(JSONKeyOrder.firstViolation(in: result.stdout), "keys sorted\n\(result)", file: file, line: line)
        return try jsonObject(result, file: file, line: line)
    }

    /// Runs a field command that must succeed; returns its text.
    func fieldText(_ arguments: [String], on laptop: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try field(arguments, on: laptop)
        assertSuccess(result, file: file, line: line)
        return result.stdout
    }

    func sync(_ laptop: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CLI.run(["field", "sync", "--data", laptop.path])
        XCTAssertEqual(result.status, 0, "\(result)\n\(server?.transcript ?? "")", file: file, line: line)
    }

    func centralShow() throws -> String {
        try CLI.run(["central", "audit", "show", "--audit", audit, "--json", "--data", scratch.appending("central").path]).stdout
    }

    // MARK: reading what the laptop holds

    func testAuditsAuditShowAndChecklistReadTheLaptopsReplica() throws {
        let alice = try team(["alice"])[0]

        XCTAssertEqual(try fieldText(["audits"], on: alice),
                       "\(audit)  stage2  Acme AI Ltd (C-0001)  iso42001:2023  lead alice  0 of 70 items audited\n")
        let audits = try XCTUnwrap(try fieldJSON(["audits"], on: alice)["audits"] as? [[String: Any]])
        XCTAssertEqual(audits.count, 1)
        XCTAssertEqual(audits[0]["id"] as? String, audit)
        XCTAssertEqual(audits[0]["lead"] as? String, "alice")
        XCTAssertEqual(audits[0]["auditors"] as? [String], ["bob"])
        XCTAssertEqual(audits[0]["standards"] as? [String], ["iso42001:2023"])
        XCTAssertEqual(audits[0]["items"] as? Int, 70)
        XCTAssertEqual(audits[0]["audited"] as? Int, 0)

        let checklist = try fieldText(["checklist", "--audit", audit], on: alice).split(separator: "\n").map(String.init)
        XCTAssertEqual(checklist.count, 71, "a heading and one line per item")
        XCTAssertEqual(checklist[0], "audit \(audit): 0 of 70 items audited")
        XCTAssertEqual(checklist[1], "iso42001:2023/4.1      not-audited     Internal and external issues affecting the organization")
        let items = try XCTUnwrap(try fieldJSON(["checklist", "--audit", audit], on: alice)["items"] as? [[String: Any]])
        XCTAssertEqual(items.count, 70)
        XCTAssertEqual(items[0]["item"] as? String, "iso42001:2023/4.1")
        XCTAssertEqual(items[0]["result"] as? String, "not-audited")
        XCTAssertTrue(items[0]["by"] is NSNull)

        // The same document and rendering as the central's, byte for byte, once both hold the same.
        XCTAssertEqual(try field(["audit", "show", "--audit", audit], on: alice, json: true).stdout, try centralShow())
        let text = try fieldText(["audit", "show", "--audit", audit], on: alice)
        XCTAssertTrue(text.hasPrefix("audit \(audit) — stage2 — Acme AI Ltd (C-0001)\nscope: AI hiring assistants\n"), text)
        XCTAssertEqual(text, try CLI.run(["central", "audit", "show", "--audit", audit,
                                          "--data", scratch.appending("central").path]).stdout)
    }

    // MARK: the offline loop

    func testTheOfflineLoopFromResultToRecommendation() throws {
        let laptops = try team()
        let (alice, bob) = (laptops[0], laptops[1])
        let item = "iso42001:2023/6.1.2"

        XCTAssertEqual(try fieldText(["respond", "--audit", audit, "--item", item, "--result", "nonconform",
                                      "--note", "No AI risk assessment process"], on: alice),
                       "recorded \(item) nonconform on audit \(audit)\n")
        let responded = try fieldJSON(["respond", "--audit", audit, "--item", "iso42001:2023/4.1", "--result", "conform"], on: alice)
        XCTAssertEqual(responded["result"] as? String, "conform")
        XCTAssertEqual(responded["item"] as? String, "iso42001:2023/4.1")

        // A finding with evidence: its id is printed, and the file is copied into the laptop.
        let photo = scratch.appending("risk-register.jpg")
        try Data("a photo of the risk register".utf8).write(to: photo)
        let raised = try fieldText(["finding", "add", "--audit", audit, "--item", item, "--grade", "minor",
                                    "--statement", "AI risk criteria are not defined", "--evidence", photo.path], on: alice)
        let finding = try XCTUnwrap(raised.split(separator: " ").dropFirst(2).first.map(String.init), raised)
        XCTAssertTrue(finding.matches("F-[0-9A-Z]{8}"), raised)
        XCTAssertEqual(raised, "raised finding \(finding) (minor) against \(item) on audit \(audit), with 1 evidence file\n")
        let second = try fieldJSON(["finding", "add", "--audit", audit, "--item", item, "--grade", "observation",
                                    "--statement", "Risk owners named informally"], on: alice)
        XCTAssertTrue((second["id"] as? String ?? "").matches("F-[0-9A-Z]{8}"), "\(second)")
        XCTAssertEqual(second["status"] as? String, "open")
        try FileManager.default.removeItem(at: photo)   // the laptop kept its own copy

        XCTAssertEqual(try fieldText(["finding", "update", "--finding", finding, "--status", "responded",
                                      "--note", "Criteria to be approved by the board in June"], on: alice),
                       "updated finding \(finding): status responded, with the client's response\n")
        let updated = try fieldJSON(["finding", "update", "--finding", finding, "--grade", "major"], on: alice)
        XCTAssertEqual(updated["finding"] as? String, finding)
        XCTAssertEqual(updated["grade"] as? String, "major")

        let minutes = scratch.appending("minutes.txt")
        try Data("opening meeting minutes".utf8).write(to: minutes)
        let attached = try fieldText(["evidence", "add", "--audit", audit, "--finding", finding, minutes.path], on: alice)
        XCTAssertTrue(attached.matches("added evidence E-[0-9A-Z]{8} \\(minutes.txt, 23 bytes\\) to finding \(finding) of audit \(audit)\n"),
                      attached)
        let evidence = try fieldJSON(["evidence", "add", "--audit", audit, minutes.path], on: alice)
        XCTAssertTrue((evidence["id"] as? String ?? "").matches("E-[0-9A-Z]{8}"), "\(evidence)")
        XCTAssertTrue(evidence["finding"] is NSNull)
        XCTAssertEqual(evidence["size"] as? Int, 23)

        XCTAssertEqual(try fieldText(["recommend", "--audit", audit, "--refuse", "--note", "A major finding is open"], on: alice),
                       "recorded the recommendation to refuse certification on audit \(audit); "
                        + "`auditsync field sync` takes it to the central\n")
        let recommended = try fieldJSON(["recommend", "--audit", audit, "--grant"], on: alice)
        XCTAssertEqual(recommended["recommendation"] as? String, "grant")
        XCTAssertEqual(recommended["by"] as? String, "alice")
        XCTAssertEqual(assertFailure(try field(["recommend", "--audit", audit, "--grant"], on: bob), status: 1),
                       "error: only the lead auditor of \(audit) records its recommendation, and bob is not its lead")

        // All of it stayed on the laptop until now; one sync takes it to the central and to bob.
        let document = try fieldJSON(["audit", "show", "--audit", audit], on: alice)
        XCTAssertEqual((document["findings"] as? [Any])?.count, 2)
        XCTAssertEqual((document["evidence"] as? [Any])?.count, 3)
        XCTAssertEqual((document["recommendation"] as? [String: Any])?["decision"] as? String, "grant")
        try sync(alice)
        try sync(bob)
        let central = try centralShow()
        XCTAssertEqual(try field(["audit", "show", "--audit", audit], on: alice, json: true).stdout, central)
        XCTAssertEqual(try field(["audit", "show", "--audit", audit], on: bob, json: true).stdout, central)
        let text = try fieldText(["audit", "show", "--audit", audit], on: bob)
        XCTAssertTrue(text.contains("checklist: 70 items — 1 conform, 1 nonconform, 0 not-applicable, 68 not-audited\n"), text)
        XCTAssertTrue(text.contains("  \(finding)  major, responded — \(item): AI risk criteria are not defined\n"), text)
        XCTAssertTrue(text.contains("recommendation: grant by alice"), text)
    }
}
