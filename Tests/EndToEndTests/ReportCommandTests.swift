import CentralNode
import FieldNode
import Foundation
import XCTest

/// `central report` and `field report` end to end: the real executable writes the report of an
/// audit in each format, whole or not at all, and a laptop that synced writes the central's
/// report byte for byte.
final class ReportCommandTests: XCTestCase {
    private var scratch: ScratchDirectory!
    private var data: URL!
    private var audit = ""
    private var server: ServerProcess?

    /// A note that would be markup in every format if it were not escaped.
    static let trickyNote = "Reviewed <script>alert('x')</script> & R&D | with the CTO\nsecond line"

    override func setUpWithError() throws {
        scratch = try ScratchDirectory(prefix: "auditsync-report")
        data = scratch.appending("central")
        let steps: [[String]] = [
            ["init", "--name", "Report Test Body", "--listen", "127.0.0.1:0"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso42001:2023"],
            ["auditor", "add", "--id", "bob", "--name", "Bob Osei"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "1 Main Street, Dublin", "--site", "Data centre, Cork"],
        ]
        for step in steps {
            let result = try central(step)
            XCTAssertEqual(result.status, 0, "\(step)\n\(result)")
        }
        let created = try central(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
                                   "--scope", "AI hiring assistants", "--lead", "alice", "--auditor", "bob", "--json"])
        audit = try XCTUnwrap(try jsonObject(created)["id"] as? String, "\(created)")
    }

    override func tearDown() {
        if let server, server.isRunning { server.kill() }
        super.tearDown()
    }

    private func central(_ arguments: [String]) throws -> CLIResult {
        try CLI.run(["central"] + arguments + ["--data", data.path])
    }

    /// Work recorded on the central's own replica, as a fixture: a result with a note full of
    /// markup, a finding with an evidence file, and a note.
    private func recordWork() throws -> URL {
        let replica = try Central(opening: data).replica
        try replica.recordResult(audit: audit, item: "iso42001:2023/4.1", result: .conform, note: Self.trickyNote)
        let photo = scratch.appending("whiteboard.jpg")
        try Data("a photo of the risk register".utf8).write(to: photo)
        try replica.addFinding(audit: audit, item: "iso42001:2023/6.1.2", grade: .minor,
                               statement: "AI risk criteria are not defined", evidenceFiles: [photo])
        try replica.addNote(audit: audit, item: nil, text: "Opening meeting held with the CEO")
        return photo
    }

    private func folder(_ name: String) throws -> URL {
        let url = scratch.appending(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func contents(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    // MARK: central report

    func testMarkdownReportHasEverySectionAndEscapesTheAuditsText() throws {
        let photo = try recordWork()
        let out = try folder("reports").appendingPathComponent("report.md")
        let result = try central(["report", "--audit", audit, "--format", "markdown", "--out", out.path])
        assertSuccess(result)
        let markdown = try contents(out)
        XCTAssertEqual(result.stdout, "wrote the markdown report of audit \(audit) to \(out.path) (\(markdown.utf8.count) bytes)\n")

        let lines = markdown.components(separatedBy: "\n")
        XCTAssertEqual(lines.first, "# Audit report \(audit)")
        for line in ["- **Client:** Acme AI Ltd (C-0001)", "  - Data centre, Cork", "- **Scope:** AI hiring assistants",
                     "- **Audit kind:** Stage 2", "- **Team:**", "  - Alice Martin (alice), lead auditor",
                     "  - Bob Osei (bob), auditor", "- **Certification body:** Report Test Body", "- **Checklist:** 1 of 70 items audited",
                     "- **Findings:** 1, 1 blocking certification (\(try findingID()) minor, open)",
                     "- **Recommendation:** not recorded yet", "- **Statement:** AI risk criteria are not defined",
                     "  - whiteboard.jpg — 28 bytes — SHA-256 `\(SHA256Digest.hex(Array(try Data(contentsOf: photo))))` — added by central",
                     "None: every field has one value."] {
            XCTAssertTrue(lines.contains(line), "missing line: \(line)\n\(markdown)")
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("| Opening meeting held with the CEO | the audit | central | ") }, markdown)
        let row = try XCTUnwrap(lines.first { $0.hasPrefix("| iso42001:2023/4.1 |") }, markdown)
        XCTAssertTrue(row.contains("| conform | Reviewed \\<script\\>alert('x')\\</script\\> & R\\&D \\| with the CTO<br>second line | central |"),
                      row)
        for heading in ["## Audit", "## Summary", "## Lead auditor's recommendation", "## Findings", "## Checklist", "## Notes",
                        "## Audit evidence", "## Open conflicts"] {
            XCTAssertTrue(lines.contains(heading), "missing section \(heading)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path), ["report.md"],
                       "no temporary file is left behind")
    }

    func testHTMLReportIsOneSelfContainedEscapedPageAndJSONSaysWhatWasWritten() throws {
        _ = try recordWork()
        let out = try folder("reports").appendingPathComponent("report.html")
        let result = try central(["report", "--audit", audit, "--format", "html", "--out", out.path, "--json"])
        assertSuccess(result)
        let answer = try jsonObject(result)
        XCTAssertEqual(Set(answer.keys), ["out", "format", "bytes"])
        XCTAssertEqual(answer["out"] as? String, out.path)
        XCTAssertEqual(answer["format"] as? String, "html")
        let html = try contents(out)
        XCTAssertEqual(answer["bytes"] as? Int, html.utf8.count)
        XCTAssertNil(JSONKeyOrder.firstViolation(in: result.stdout))

        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n"), html)
        XCTAssertTrue(html.hasSuffix("</html>\n"))
        XCTAssertTrue(html.contains("<td>Reviewed &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; R&amp;D | with the CTO\nsecond line</td>"),
                      html)
        for forbidden in ["<script", "<link", "<img", "src=", "href=", "url(", "http://", "https://"] {
            XCTAssertFalse(html.lowercased().contains(forbidden), "\(forbidden) in the page")
        }
        XCTAssertTrue(html.contains("<h2>Findings</h2>") && html.contains("<h2>Checklist</h2>") && html.contains("<style>"))
    }

    func testJSONReportIsTheCanonicalDocumentWithTheCentralsAdditions() throws {
        _ = try recordWork()
        let out = try folder("reports").appendingPathComponent("report.json")
        let result = try central(["report", "--audit", audit, "--format", "json", "--out", out.path])
        assertSuccess(result)
        let show = try central(["audit", "show", "--audit", audit, "--json"])
        assertSuccess(show)
        var report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        let additions = try XCTUnwrap(report.removeValue(forKey: "report") as? [String: Any])
        XCTAssertEqual(report as NSDictionary, try jsonObject(show) as NSDictionary, "every member of `audit show --json`")
        XCTAssertNil(JSONKeyOrder.firstViolation(in: try contents(out)))
        XCTAssertEqual(additions["body"] as? String, "Report Test Body")
        XCTAssertEqual(additions["decisions_known"] as? Bool, true)
        XCTAssertEqual((additions["team"] as? [[String: Any]])?.map { $0["name"] as? String }, ["Alice Martin", "Bob Osei"])
    }

    func testAnExistingReportIsReplacedWhole() throws {
        let out = try folder("reports").appendingPathComponent("report.md")
        try Data("an older report\n".utf8).write(to: out)
        assertSuccess(try central(["report", "--audit", audit, "--format", "markdown", "--out", out.path]))
        let first = try contents(out)
        XCTAssertTrue(first.hasPrefix("# Audit report \(audit)\n"), first)
        XCTAssertTrue(first.contains("- **Checklist:** 0 of 70 items audited"), "an audit with no work renders")

        _ = try recordWork()
        assertSuccess(try central(["report", "--audit", audit, "--format", "markdown", "--out", out.path]))
        XCTAssertTrue(try contents(out).contains("- **Checklist:** 1 of 70 items audited"), "regenerated with the new work")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path), ["report.md"])
    }

    func testAFailedReportWritesNothing() throws {
        let reports = try folder("reports")
        let existing = reports.appendingPathComponent("kept.md")
        try Data("an older report\n".utf8).write(to: existing)

        XCTAssertEqual(assertFailure(try central(["report", "--audit", "A-1999-0042", "--format", "html", "--out", existing.path]),
                                     status: 1),
                       "error: no audit A-1999-0042 on this node; check the audit id (`central audit create` printed it)")
        XCTAssertEqual(try contents(existing), "an older report\n", "the existing file is untouched")

        let missing = reports.appendingPathComponent("no-such-folder/report.html")
        XCTAssertEqual(assertFailure(try central(["report", "--audit", audit, "--format", "html", "--out", missing.path]), status: 1),
                       "error: no folder \(missing.deletingLastPathComponent().path) for the file; create it, or choose another --out")
        XCTAssertEqual(assertFailure(try central(["report", "--audit", audit, "--format", "html", "--out", reports.path]), status: 1),
                       "error: \(reports.path) is a folder; give --out a file name inside it")
        // /sys refuses new files even to root.
        let unwritable = assertFailure(try central(["report", "--audit", audit, "--format", "html",
                                                    "--out", "/sys/auditsync-report.html"]), status: 1)
        XCTAssertTrue(unwritable.hasPrefix("error: cannot write /sys/auditsync-report.html: "), unwritable)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/sys/auditsync-report.html"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: reports.path), ["kept.md"], "nothing written, no leftovers")

        XCTAssertEqual(assertFailure(try central(["report", "--audit", audit, "--format", "pdf", "--out", existing.path]), status: 2),
                       "error: 'pdf' is not a valid report format; use one of: html, markdown, json (see `auditsync central report --help`)")
        assertFailure(try central(["report", "--audit", audit, "--out", existing.path]), status: 2)
        assertFailure(try central(["report", "--audit", audit, "--format", "html"]), status: 2)
        XCTAssertEqual(try contents(existing), "an older report\n")
    }

    func testHelpOfBothReportCommandsShowsAnExample() throws {
        for command in [["central", "report"], ["field", "report"]] {
            let result = try CLI.run(command + ["--help"])
            assertSuccess(result)
            XCTAssertTrue(result.stdout.contains("Example:"), "\(result)")
            XCTAssertTrue(result.stdout.contains("USAGE: auditsync \(command.joined(separator: " "))"), "\(result)")
            XCTAssertTrue(result.stdout.contains("--format <format>") && result.stdout.contains("--out <file>"), "\(result)")
        }
    }

    // MARK: field report

    /// The laptop knows the body and its own auditor, not the others' names nor the decision:
    /// with those put aside, its report is the central's byte for byte.
    func testAFieldReportAfterSyncIsTheCentralsButForWhatOnlyTheCentralKnows() throws {
        let process = try ServerProcess(["central", "serve", "--listen", "127.0.0.1:0", "--data", data.path])
        server = process
        let listening = try XCTUnwrap(process.firstStdoutLine(timeout: 15), process.transcript)
        let port = try XCTUnwrap(listening.split(separator: ":").last.flatMap { UInt16($0) })
        func enroll(_ auditor: String) throws -> URL {
            let token = try XCTUnwrap(try jsonObject(try central(["enroll", "--auditor", auditor, "--address", "127.0.0.1:\(port)",
                                                                  "--json"]))["token"] as? String)
            let laptop = scratch.appending(auditor)
            assertSuccess(try CLI.run(["field", "init", "--token", token, "--data", laptop.path]))
            return laptop
        }
        func field(_ arguments: [String], on laptop: URL) throws -> CLIResult {
            try CLI.run(["field"] + arguments + ["--data", laptop.path])
        }
        func sync(_ laptop: URL) throws {
            let result = try field(["sync"], on: laptop)
            XCTAssertEqual(result.status, 0, "\(result)\n\(process.transcript)")
        }
        let alice = try enroll("alice"), bob = try enroll("bob")
        try sync(alice)
        try sync(bob)

        // Offline, both record the same item (a conflict); alice raises a finding with evidence.
        let item = "iso42001:2023/4.1"
        assertSuccess(try field(["respond", "--audit", audit, "--item", item, "--result", "nonconform", "--note", Self.trickyNote],
                                on: alice))
        assertSuccess(try field(["respond", "--audit", audit, "--item", item, "--result", "conform"], on: bob))
        let photo = scratch.appending("risk-register.pdf")
        try Data("the risk register, version 3".utf8).write(to: photo)
        assertSuccess(try field(["finding", "add", "--audit", audit, "--item", "iso42001:2023/6.1.2", "--grade", "minor",
                                 "--statement", "AI risk criteria are not defined", "--evidence", photo.path], on: alice))
        assertSuccess(try field(["recommend", "--audit", audit, "--refuse", "--note", "A minor nonconformity is open"], on: alice))
        try sync(alice)
        try sync(bob)
        try sync(alice)

        let reports = try folder("reports")
        for (format, name) in [("markdown", "md"), ("html", "html"), ("json", "json")] {
            let fromCentral = reports.appendingPathComponent("central.\(name)")
            let fromLaptop = reports.appendingPathComponent("alice.\(name)")
            assertSuccess(try central(["report", "--audit", audit, "--format", format, "--out", fromCentral.path]))
            let written = try field(["report", "--audit", audit, "--format", format, "--out", fromLaptop.path, "--json"], on: alice)
            assertSuccess(written)
            XCTAssertEqual(try jsonObject(written)["format"] as? String, format)
            guard format != "json" else {
                var laptop = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: fromLaptop)) as? [String: Any])
                var central = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: fromCentral)) as? [String: Any])
                XCTAssertEqual((laptop.removeValue(forKey: "report") as? [String: Any])?["decisions_known"] as? Bool, false)
                central["report"] = nil
                XCTAssertEqual(laptop as NSDictionary, central as NSDictionary, "json: the same document")
                continue
            }
            let laptopNotice = "Decisions are taken at the certification body&#39;s central and are not known where this report was made."
            let centralText = try contents(fromCentral)
                .replacingOccurrences(of: "Bob Osei (bob)", with: "bob")
                .replacingOccurrences(of: "Not decided yet.", with: format == "html" ? laptopNotice
                                        : "Decisions are taken at the certification body's central and are not known where this report was made.")
            XCTAssertEqual(try contents(fromLaptop), centralText, "\(format): the same report but for bob's name and the decision")
        }

        let markdown = try contents(reports.appendingPathComponent("alice.md"))
        let lines = markdown.components(separatedBy: "\n")
        XCTAssertTrue(lines[2].hasPrefix("> **⚠ Unresolved conflicts.** This report has "), "flagged at the top:\n\(markdown)")
        XCTAssertTrue(markdown.contains("SHA-256 `\(SHA256Digest.hex(Array(try Data(contentsOf: photo))))`"), markdown)
        XCTAssertTrue(lines.contains("- **Decision:** Refuse certification"), markdown)
        XCTAssertTrue(lines.contains { $0.hasPrefix("| checklist item \(item) | result |") }, markdown)

        let text = try field(["report", "--audit", audit, "--format", "markdown", "--out", reports.appendingPathComponent("again.md").path],
                             on: alice)
        assertSuccess(text)
        XCTAssertTrue(text.stdout.hasSuffix(" at the top\n") && text.stdout.contains("unresolved conflict"), text.stdout)
    }

    func testAFieldReportBeforeEnrollmentIsAClearError() throws {
        let line = assertFailure(try CLI.run(["field", "report", "--audit", audit, "--format", "html",
                                              "--out", scratch.appending("report.html").path,
                                              "--data", scratch.appending("nobody").path]), status: 1)
        XCTAssertTrue(line.hasPrefix("error: no field node in"), line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appending("report.html").path))
    }

    /// The id of the audit's one finding.
    private func findingID() throws -> String {
        let findings = try Central(opening: data).replica.document(audit: audit)["findings"]?.elements ?? []
        guard case .string(let id)? = findings.first?["id"] else {
            XCTFail("the fixture raised no finding")
            return ""
        }
        return id
    }
}
