import Foundation
import XCTest
import TestSupport

/// `auditsync central …` end to end: argv in, exact output out.
final class CentralCommandTests: XCTestCase {
    static let knownStandards = [
        "iso42001:2023", "iso27001:2022", "iso27701:2019", "iso9001:2015", "iso22301:2019",
        "iso23894:2023", "iso31000:2018", "iso22989:2022", "iso23053:2022",
    ]

    // MARK: Fixtures

    /// `auditsync central ARGS --data DATA`.
    private func central(_ arguments: [String], data: URL) throws -> CLIResult {
        try CLI.run(["central"] + arguments + ["--data", data.path])
    }

    /// A central node with auditors alice (auditor, lead), bob (auditor), carol (reviewer) and
    /// client C-0001 (Acme AI Ltd, two sites).
    private func makeProgramme(file: StaticString = #filePath, line: UInt = #line) throws -> (ScratchDirectory, URL) {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        let steps: [[String]] = [
            ["init", "--name", "Example Certification Body"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "auditor", "--role", "lead"],
            ["auditor", "add", "--id", "bob", "--name", "Bob Osei"],
            ["auditor", "add", "--id", "carol", "--name", "Carol Ng", "--role", "reviewer"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "1 Main Street, Dublin", "--site", "Data centre, Cork"],
        ]
        for step in steps {
            let result = try central(step, data: data)
            XCTAssertEqual(result.status, 0, "fixture step failed\n\(result)", file: file, line: line)
        }
        return (scratch, data)
    }

    private func createAudit(_ data: URL, standards: [String] = ["iso42001:2023"], kind: String = "stage2",
                             lead: String = "alice", auditors: [String] = ["bob"], client: String = "C-0001",
                             json: Bool = true) throws -> CLIResult {
        var arguments = ["audit", "create", "--client", client]
        for standard in standards { arguments += ["--standard", standard] }
        arguments += ["--kind", kind, "--scope", "Design and operation of AI hiring assistants", "--lead", lead]
        for auditor in auditors { arguments += ["--auditor", auditor] }
        if json { arguments.append("--json") }
        return try central(arguments, data: data)
    }

    private var year: String { String(currentUTCYear()) }

    private func permissions(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    // MARK: central init

    func testInitPrintsTheNewNodeAndCreatesAnOwnerOnlyDirectory() throws {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        let result = try central(["init", "--name", "Example Certification Body", "--listen", "127.0.0.1:0"], data: data)
        assertSuccess(result)
        let words = result.stdout.split(separator: " ")
        let node = words.count > 3 ? String(words[3]) : ""
        XCTAssertTrue(node.matches("[0-9a-f]{16}"), "node id in \(result.stdout)")
        XCTAssertEqual(result.stdout,
                       "created central node \(node) for Example Certification Body in \(data.path) (listens on 127.0.0.1:0)\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: data.appendingPathComponent("central.sqlite").path))
        XCTAssertEqual(try permissions(data), 0o700, "the data directory is owner-only")
    }

    func testInitWithJSONPrintsOneDocumentWithTheNodeID() throws {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        let result = try central(["init", "--name", "Example Certification Body", "--json"], data: data)
        assertSuccess(result)
        let document = try jsonObject(result)
        let id = document["id"] as? String ?? ""
        XCTAssertTrue(id.matches("[0-9a-f]{16}"), "id is 16 hex digits: \(id)")
        XCTAssertEqual(Set(document.keys), ["id", "name", "listen", "data"])
        XCTAssertEqual(document["name"] as? String, "Example Certification Body")
        XCTAssertEqual(document["listen"] as? String, "0.0.0.0:7420")
        XCTAssertEqual(document["data"] as? String, data.path)
        XCTAssertEqual(try permissions(data), 0o700, "the data directory is owner-only")

        // Two nodes never share an id.
        let other = try central(["init", "--name", "Other Body", "--json"], data: scratch.appending("other"))
        assertSuccess(other)
        XCTAssertNotEqual(try jsonObject(other)["id"] as? String, id)
    }

    func testInitTwiceIsRefusedAndNamesTheDirectory() throws {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        assertSuccess(try central(["init", "--name", "Example Certification Body"], data: data))
        let database = data.appendingPathComponent("central.sqlite")
        let before = try Data(contentsOf: database)

        let again = try central(["init", "--name", "Another Body", "--json"], data: data)
        let line = assertFailure(again, status: 1)
        XCTAssertEqual(line, "error: a central node already exists in \(data.path); use it, or choose another directory with --data")
        XCTAssertEqual(try Data(contentsOf: database), before, "the existing node is untouched")
    }

    func testInitWithMalformedListenAddressIsBadUsageAndCreatesNothing() throws {
        let scratch = try ScratchDirectory()
        for address in ["7420", "host:", "host:99999", ":80"] {
            let data = scratch.appending("central-\(address.count)")
            let result = try central(["init", "--name", "Example Certification Body", "--listen", address], data: data)
            let line = assertFailure(result, status: 2)
            XCTAssertTrue(line.contains("'\(address)' is not a listen address"), line)
            XCTAssertFalse(FileManager.default.fileExists(atPath: data.path), "nothing created for \(address)")
        }
    }

    // MARK: central auditor add

    func testAuditorAddPrintsTheIdAndRoles() throws {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        assertSuccess(try central(["init", "--name", "Example Certification Body"], data: data))

        let json = try central(["auditor", "add", "--id", "alice", "--name", "Alice Martin",
                                "--role", "lead", "--role", "auditor", "--role", "lead", "--json"], data: data)
        assertSuccess(json)
        XCTAssertEqual(json.stdout, "{\n  \"id\": \"alice\",\n  \"roles\": [\n    \"auditor\",\n    \"lead\"\n  ]\n}\n")

        let human = try central(["auditor", "add", "--id", "bob", "--name", "Bob Osei"], data: data)
        assertSuccess(human)
        XCTAssertEqual(human.stdout, "added auditor bob (auditor)\n", "with no --role, the auditor role")

        let reviewer = try central(["auditor", "add", "--id", "carol", "--name", "Carol Ng", "--role", "reviewer"], data: data)
        assertSuccess(reviewer)
        XCTAssertEqual(reviewer.stdout, "added auditor carol (reviewer)\n")
    }

    func testDuplicateAuditorIsRefused() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let result = try central(["auditor", "add", "--id", "alice", "--name", "Alice Again", "--json"], data: data)
        XCTAssertEqual(assertFailure(result, status: 1), "error: auditor alice already exists")
    }

    func testUnknownRoleIsBadUsageAndAddsNobody() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let result = try central(["auditor", "add", "--id", "dave", "--name", "Dave", "--role", "boss"], data: data)
        XCTAssertEqual(assertFailure(result, status: 2),
                       "error: 'boss' is not a valid role; use one of: auditor, lead, reviewer (see `auditsync central auditor add --help`)")
        // dave was not added: adding him now succeeds.
        assertSuccess(try central(["auditor", "add", "--id", "dave", "--name", "Dave"], data: data))
    }

    // MARK: central client add

    func testClientAddNumbersClientsInOrder() throws {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        assertSuccess(try central(["init", "--name", "Example Certification Body"], data: data))

        let first = try central(["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin", "--json"], data: data)
        assertSuccess(first)
        XCTAssertEqual(first.stdout, "{\n  \"id\": \"C-0001\"\n}\n")
        XCTAssertEqual(try jsonObject(first)["id"] as? String, "C-0001")

        let second = try central(["client", "add", "--name", "Beta Robotics", "--site", "Cork", "--site", "Galway", "--json"], data: data)
        assertSuccess(second)
        XCTAssertEqual(second.stdout, "{\n  \"id\": \"C-0002\"\n}\n")

        let third = try central(["client", "add", "--name", "Gamma Data", "--site", "Limerick"], data: data)
        assertSuccess(third)
        XCTAssertEqual(third.stdout, "added client C-0003: Gamma Data\n")
    }

    func testClientWithoutSiteIsBadUsage() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let result = try central(["client", "add", "--name", "No Site Ltd", "--json"], data: data)
        XCTAssertEqual(assertFailure(result, status: 2),
                       "error: give at least one --site (see `auditsync central client add --help`)")
        // Nothing was added: the next client is still C-0002.
        let next = try central(["client", "add", "--name", "Next Ltd", "--site", "Cork", "--json"], data: data)
        XCTAssertEqual(next.stdout, "{\n  \"id\": \"C-0002\"\n}\n")
    }

    // MARK: central audit create

    func testAuditCreateBuildsTheChecklistOfEachStandard() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let cases: [([String], Int)] = [
            (["iso42001:2023"], 70),
            (["iso27001:2022"], 123),
            (["iso42001:2023", "iso27001:2022"], 193),
            (["iso42001:2023", "iso42001:2023"], 70),
        ]
        for (number, (standards, items)) in cases.enumerated() {
            let result = try createAudit(data, standards: standards)
            assertSuccess(result)
            let document = try jsonObject(result)
            let expectedID = "A-\(year)-" + String(format: "%04d", number + 1)
            XCTAssertEqual(Set(document.keys), ["id", "checklist_items"])
            XCTAssertEqual(document["id"] as? String, expectedID, "\(standards)")
            XCTAssertTrue((document["id"] as? String ?? "").matches("A-[0-9]{4}-[0-9]{4}"))
            XCTAssertEqual(document["checklist_items"] as? Int, items, "\(standards)")
        }

        let human = try createAudit(data, kind: "surveillance", json: false)
        assertSuccess(human)
        XCTAssertEqual(human.stdout, "created audit A-\(year)-0005 (surveillance, 70 checklist items)\n")
    }

    func testAuditCreateRefusesAnUnknownStandardAndNamesTheKnownOnes() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let line = assertFailure(try createAudit(data, standards: ["iso42001:2023", "iso99999:2024"]), status: 1)
        XCTAssertTrue(line.contains("iso99999:2024"), line)
        for standard in Self.knownStandards {
            XCTAssertTrue(line.contains(standard), "\(standard) named in: \(line)")
        }
    }

    func testAuditCreateRefusesReferenceStandardsAlone() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let line = assertFailure(try createAudit(data, standards: ["iso23894:2023"]), status: 1)
        XCTAssertEqual(line, "error: an audit needs at least one certifiable standard "
                       + "(iso42001:2023, iso27001:2022, iso27701:2019, iso9001:2015, iso22301:2019)")
        // Beside a certifiable standard, a reference standard is welcome.
        assertSuccess(try createAudit(data, standards: ["iso42001:2023", "iso23894:2023"]))
    }

    func testAuditCreateRefusesALeadWithoutTheLeadRole() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let line = assertFailure(try createAudit(data, lead: "bob", auditors: ["alice"]), status: 1)
        XCTAssertEqual(line, "error: auditor bob does not have the lead role")
    }

    func testAuditCreateRefusesAnUnknownClientOrAuditor() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        XCTAssertEqual(assertFailure(try createAudit(data, client: "C-0042"), status: 1),
                       "error: no client C-0042; add one with `auditsync central client add --name NAME --site TEXT`")
        XCTAssertEqual(assertFailure(try createAudit(data, auditors: ["zed"]), status: 1),
                       "error: no auditor zed; add one with `auditsync central auditor add --id zed --name NAME`")
        XCTAssertEqual(assertFailure(try createAudit(data, lead: "yves", auditors: []), status: 1),
                       "error: no auditor yves; add one with `auditsync central auditor add --id yves --name NAME`")
    }

    func testAuditCreateWithABadKindIsBadUsage() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        XCTAssertEqual(assertFailure(try createAudit(data, kind: "stage3"), status: 2),
                       "error: 'stage3' is not a valid audit kind; use one of: stage1, stage2, surveillance, "
                       + "recertification, special (see `auditsync central audit create --help`)")
    }

    func testRefusedAuditsUseNoAuditNumber() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        assertFailure(try createAudit(data, standards: ["iso23894:2023"]), status: 1)
        assertFailure(try createAudit(data, lead: "bob"), status: 1)
        assertFailure(try createAudit(data, client: "C-0042"), status: 1)
        assertFailure(try createAudit(data, kind: "stage3"), status: 2)
        let created = try createAudit(data)
        assertSuccess(created)
        XCTAssertEqual(try jsonObject(created)["id"] as? String, "A-\(year)-0001")
    }

    // MARK: central audit show

    func testAuditShowJSONIsTheCanonicalDocument() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let audit = try jsonObject(try createAudit(data))["id"] as? String ?? ""

        let first = try central(["audit", "show", "--audit", audit, "--json"], data: data)
        assertSuccess(first)
        let document = try jsonObject(first)
        XCTAssertNil(JSONKeyOrder.firstViolation(in: first.stdout), "keys in sorted order")

        XCTAssertEqual(Set(document.keys), ["audit", "checklist", "client", "conflicts", "evidence", "findings", "kind",
                                            "notes", "recommendation", "removed", "scope", "standards", "summary", "team"])
        XCTAssertEqual(document["audit"] as? String, audit)
        XCTAssertEqual(document["kind"] as? String, "stage2")
        XCTAssertEqual(document["scope"] as? String, "Design and operation of AI hiring assistants")
        XCTAssertEqual(document["standards"] as? [String], ["iso42001:2023"])
        let client = document["client"] as? [String: Any]
        XCTAssertEqual(client?["id"] as? String, "C-0001")
        XCTAssertEqual(client?["name"] as? String, "Acme AI Ltd")
        XCTAssertEqual(client?["sites"] as? [String], ["1 Main Street, Dublin", "Data centre, Cork"])
        let team = document["team"] as? [String: Any]
        XCTAssertEqual(team?["lead"] as? String, "alice")
        XCTAssertEqual(team?["auditors"] as? [String], ["bob"])
        XCTAssertEqual((document["conflicts"] as? [Any])?.count, 0)
        XCTAssertEqual((document["findings"] as? [Any])?.count, 0)

        let checklist = document["checklist"] as? [[String: Any]] ?? []
        XCTAssertEqual(checklist.count, 70)
        XCTAssertEqual(checklist.filter { $0["result"] as? String == "not-audited" }.count, 70, "every item not-audited")
        XCTAssertEqual(checklist.first?["item"] as? String, "iso42001:2023/4.1")
        XCTAssertEqual(checklist.last?["item"] as? String, "iso42001:2023/A.10.4")
        let items = checklist.compactMap { $0["item"] as? String }
        XCTAssertEqual(Set(items).count, 70, "no item twice")
        XCTAssertEqual(items.filter { $0.hasPrefix("iso42001:2023/A.") }.count, 38, "38 Annex A controls")
        let summary = document["summary"] as? [String: Any]
        XCTAssertEqual(summary?["items"] as? Int, 70)
        XCTAssertEqual((summary?["results"] as? [String: Any])?["not-audited"] as? Int, 70)

        let second = try central(["audit", "show", "--audit", audit, "--json"], data: data)
        assertSuccess(second)
        XCTAssertEqual(Array(second.stdout.utf8), Array(first.stdout.utf8), "the same bytes every time")
    }

    func testAuditShowJSONKeysAreSortedForBothStandards() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let audit = try jsonObject(try createAudit(data, standards: ["iso27001:2022", "iso42001:2023"]))["id"] as? String ?? ""
        let shown = try central(["audit", "show", "--audit", audit, "--json"], data: data)
        assertSuccess(shown)
        XCTAssertNil(JSONKeyOrder.firstViolation(in: shown.stdout), "keys in sorted order")
        let document = try jsonObject(shown)
        XCTAssertEqual(document["standards"] as? [String], ["iso27001:2022", "iso42001:2023"])
        let items = (document["checklist"] as? [[String: Any]] ?? []).compactMap { $0["item"] as? String }
        XCTAssertEqual(items.count, 193)
        XCTAssertEqual(items.filter { $0.hasPrefix("iso27001:2022/A.") }.count, 93, "93 Annex A controls, prefixed A.")
        XCTAssertEqual(Set(items).count, 193, "clause and control ids never collide")
    }

    func testKeyOrderCheckerCatchesUnsortedKeys() {
        XCTAssertNil(JSONKeyOrder.firstViolation(in: #"{"a": 1, "b": {"c": [{"d": 1, "e": 2}]}}"#))
        XCTAssertEqual(JSONKeyOrder.firstViolation(in: #"{"a": 1, "b": {"c": [{"e": 1, "d": 2}]}}"#), "\"e\" ≥ \"d\"")
        XCTAssertEqual(JSONKeyOrder.firstViolation(in: #"{"b": 1, "a": 2}"#), "\"b\" ≥ \"a\"")
    }

    func testAuditShowPrintsAHumanSummary() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let audit = try jsonObject(try createAudit(data))["id"] as? String ?? ""
        let result = try central(["audit", "show", "--audit", audit], data: data)
        assertSuccess(result)
        XCTAssertTrue(result.stdout.contains(audit))
        XCTAssertTrue(result.stdout.contains("70 items"))
        XCTAssertEqual(result.stdout, """
            audit \(audit) — stage2 — Acme AI Ltd (C-0001)
            scope: Design and operation of AI hiring assistants
            standards: iso42001:2023
            team: lead alice, auditors bob
            checklist: 70 items — 0 conform, 0 nonconform, 0 not-applicable, 70 not-audited

            """)
    }

    func testAuditShowOfAnUnknownAuditIsRefused() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let line = assertFailure(try central(["audit", "show", "--audit", "A-1999-0001", "--json"], data: data), status: 1)
        XCTAssertTrue(line.hasPrefix("error: no audit A-1999-0001"), line)
    }

    // MARK: help and usage

    func testEveryCommandsHelpShowsAnExample() throws {
        let commands: [[String]] = [
            ["central", "init"], ["central", "auditor", "add"], ["central", "client", "add"],
            ["central", "audit", "create"], ["central", "audit", "show"], ["demo"],
        ]
        for command in commands {
            let result = try CLI.run(command + ["--help"])
            XCTAssertEqual(result.status, 0, "\(result)")
            XCTAssertEqual(result.stderr, "", "\(result)")
            XCTAssertTrue(result.stdout.contains("Example"), "help of \(command.joined(separator: " ")) has an example\n\(result)")
            XCTAssertTrue(result.stdout.contains("USAGE: auditsync \(command.joined(separator: " "))"), "\(result)")
        }
    }

    func testRootAndGroupHelpExitZero() throws {
        for arguments in [["--help"], ["-h"], ["central", "--help"], ["central", "audit", "--help"], ["help", "central"]] {
            let result = try CLI.run(arguments)
            XCTAssertEqual(result.status, 0, "\(result)")
            XCTAssertEqual(result.stderr, "", "\(result)")
            XCTAssertTrue(result.stdout.contains("USAGE: auditsync"), "\(result)")
        }
        let version = try CLI.run(["--version"])
        assertSuccess(version)
        XCTAssertEqual(version.stdout, "0.2.0\n")
    }

    /// A command group run bare shows its help, as `CleanExit.helpRequest` means, not an error.
    func testCommandGroupsWithoutASubcommandShowTheirHelp() throws {
        for arguments in [[], ["central"], ["central", "audit"]] {
            let result = try CLI.run(arguments)
            XCTAssertEqual(result.status, 0, "\(result)")
            XCTAssertEqual(result.stderr, "", "\(result)")
            XCTAssertTrue(result.stdout.contains("USAGE: auditsync"), "\(result)")
        }
    }

    func testUnknownSubcommandIsBadUsage() throws {
        XCTAssertEqual(assertFailure(try CLI.run(["central", "bogus"]), status: 2),
                       "error: unexpected argument 'bogus' (see `auditsync central --help`)")
        XCTAssertEqual(assertFailure(try CLI.run(["bogus"]), status: 2),
                       "error: unexpected argument 'bogus' (see `auditsync --help`)")
        assertFailure(try CLI.run(["central", "audit", "bogus"]), status: 2)
        assertFailure(try CLI.run(["central", "audit", "create", "--client", "C-0001"]), status: 2)
        assertFailure(try CLI.run(["central", "init", "--name", "X", "--bogus"]), status: 2)
    }

    // MARK: the data directory

    func testMissingDataDirectorySaysToRunCentralInit() throws {
        let result = try CLI.run(["central", "audit", "show", "--audit", "A-2026-0001", "--data", "/nonexistent/x"])
        let line = assertFailure(result, status: 1)
        XCTAssertTrue(line.contains("auditsync central init"), line)
        XCTAssertTrue(line.contains("/nonexistent/x"), line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/nonexistent/x"))

        let scratch = try ScratchDirectory()
        let empty = scratch.appending("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let client = try central(["client", "add", "--name", "Acme", "--site", "Dublin", "--json"], data: empty)
        XCTAssertEqual(assertFailure(client, status: 1),
                       "error: no central node in \(empty.path); create one with `auditsync central init --name NAME` (or pass --data DIR)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: empty.path), [], "nothing created")
    }

    func testCorruptDatabaseIsReportedAndLeftUntouched() throws {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let database = data.appendingPathComponent("central.sqlite")
        var generator = SplitMix64(seed: 0xA0D1_7511_C0DE)
        let garbage = Data((0..<16_384).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        try garbage.write(to: database)

        let commands: [[String]] = [
            ["audit", "show", "--audit", "A-2026-0001"],
            ["audit", "show", "--audit", "A-2026-0001", "--json"],
            ["client", "add", "--name", "Acme", "--site", "Dublin"],
            ["auditor", "add", "--id", "alice", "--name", "Alice"],
        ]
        for command in commands {
            let line = assertFailure(try central(command, data: data), status: 1)
            XCTAssertTrue(line.contains("damaged"), line)
            XCTAssertTrue(line.contains(database.path), line)
            XCTAssertEqual(try Data(contentsOf: database), garbage, "byte-identical after \(command)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: data.path), ["central.sqlite"],
                           "no journal or WAL left beside it after \(command)")
        }
    }

    func testForeignSQLiteDatabaseIsRefusedAndLeftUntouched() throws {
        guard let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/opt/homebrew/bin/sqlite3"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw XCTSkip("the sqlite3 command-line tool is not installed") }
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let database = data.appendingPathComponent("central.sqlite")
        let tool = Process()
        tool.executableURL = URL(fileURLWithPath: sqlite3)
        tool.arguments = [database.path, "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);"]
        try tool.run()
        tool.waitUntilExit()
        XCTAssertEqual(tool.terminationStatus, 0)
        let before = try Data(contentsOf: database)
        XCTAssertEqual(String(decoding: before.prefix(15), as: UTF8.self), "SQLite format 3")

        let commands: [[String]] = [
            ["audit", "show", "--audit", "A-2026-0001", "--json"],
            ["client", "add", "--name", "Acme", "--site", "Dublin"],
        ]
        for command in commands {
            let line = assertFailure(try central(command, data: data), status: 1)
            XCTAssertEqual(line, "error: \(database.path) is an SQLite file but not an AuditSync replica")
            XCTAssertEqual(try Data(contentsOf: database), before, "byte-identical after \(command)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: data.path), ["central.sqlite"],
                           "no journal or WAL left beside it after \(command)")
        }
    }

    func testDataDefaultsToAuditsyncHome() throws {
        let scratch = try ScratchDirectory()
        let home = scratch.appending("home")
        let environment: [String: String?] = ["AUDITSYNC_HOME": home.path]

        let created = try CLI.run(["central", "init", "--name", "Home Body", "--json"], environment: environment)
        assertSuccess(created)
        XCTAssertEqual(try jsonObject(created)["data"] as? String, home.path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: home.appendingPathComponent("central.sqlite").path))
        XCTAssertEqual(try permissions(home), 0o700)

        let client = try CLI.run(["central", "client", "add", "--name", "Acme", "--site", "Dublin", "--json"], environment: environment)
        assertSuccess(client)
        XCTAssertEqual(client.stdout, "{\n  \"id\": \"C-0001\"\n}\n")

        // --data wins over AUDITSYNC_HOME.
        let elsewhere = scratch.appending("elsewhere")
        let explicit = try CLI.run(["central", "init", "--name", "Elsewhere", "--data", elsewhere.path], environment: environment)
        assertSuccess(explicit)
        XCTAssertTrue(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("central.sqlite").path))
    }

    /// Read-only on purpose: if the fallback is wrong, nothing is written to the real home.
    func testDataFallsBackToDotAuditsyncInHome() throws {
        let scratch = try ScratchDirectory()
        let home = scratch.appending("user")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let expected = home.appendingPathComponent(".auditsync").path
        for auditsyncHome: String? in [nil, ""] {
            let result = try CLI.run(["central", "audit", "show", "--audit", "A-2026-0001"],
                                     environment: ["AUDITSYNC_HOME": auditsyncHome, "HOME": home.path])
            XCTAssertEqual(assertFailure(result, status: 1),
                           "error: no central node in \(expected); create one with `auditsync central init --name NAME` (or pass --data DIR)",
                           "AUDITSYNC_HOME=\(auditsyncHome ?? "(unset)")")
        }
    }
}

