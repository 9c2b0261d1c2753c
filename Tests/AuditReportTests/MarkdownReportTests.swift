import AuditDocumentFormat
import AuditReport
import CanonicalJSON
import XCTest

final class MarkdownReportTests: XCTestCase {
    func testEverySectionOfTheReportIsPresent() {
        let markdown = MarkdownReport.render(SampleDocument.worked())
        let expected = [
            "# Audit report A-2026-0001",
            "## Audit", "- **Client:** Acme AI Ltd (C-0001)", "  - 1 Main Street, Dublin", "  - Data centre, Cork",
            "- **Scope:** Design and operation of AI hiring assistants", "- **Audit kind:** Stage 2",
            "  - ISO/IEC 42001:2023 — Artificial intelligence management system (iso42001:2023)",
            "- **Team:**", "  - alice, lead auditor", "  - bob, auditor", "- **Latest recorded change:** 2026-11-29 10:00:00 UTC",
            "## Summary", "- **Checklist:** 3 of 4 items audited",
            "- **Findings:** 2, 1 blocking certification (F-7HF9JHJ2 minor, responded)",
            "- **Open conflicts:** none", "- **Recommendation:** Refuse certification",
            "| conform | 1 |", "| nonconform | 1 |", "| not-applicable | 1 |", "| not-audited | 1 |", "| **Total** | **4** |",
            "| Finding grade | open | responded | accepted | closed | Total |",
            "| minor | 0 | 1 | 0 | 0 | 1 |", "| observation | 1 | 0 | 0 | 0 | 1 |", "| **Total** | **1** | **1** | **0** | **0** | **2** |",
            "## Lead auditor's recommendation", "- **Decision:** Refuse certification",
            "- **Note:** A minor nonconformity is not yet accepted", "- **Recorded by:** alice",
            "## Findings", "### F-7HF9JHJ2 — Minor nonconformity, responded",
            "- **Item:** iso42001:2023/6.1.2 — AI risk assessment", "- **Statement:** AI risk criteria are not defined",
            "- **Raised by:** bob", "- **Client's response:** Risk criteria to be approved by the board by 30 June",
            "- **Acceptance note:** —", "- **Verification note:** —",
            "  - risk-register.pdf — 2,500,000 bytes — SHA-256 `\(SampleDocument.digest)` — added by bob",
            "### F-0AAAAAAA — Observation, open",
            "## Checklist", "### ISO/IEC 42001:2023 — Artificial intelligence management system (iso42001:2023)",
            "| Item | Title | Result | Note | Recorded by | Recorded at |",
            "| iso42001:2023/6.1.2 | AI risk assessment | nonconform | No AI risk assessment process documented | bob | 2026-11-29 08:01:02 UTC |",
            "| iso42001:2023/4.2 | Interested parties and their requirements | not-audited |  |  |  |",
            "## Notes", "| Opening meeting held with the CEO | the audit | alice | 2026-11-29 07:00:00 UTC |",
            "## Audit evidence", "| site-photo.jpg | 1 byte | `\(SampleDocument.digest)` | alice | — |",
            "## Open conflicts", "None: every field has one value.",
        ]
        let lines = Set(markdown.components(separatedBy: "\n"))
        for line in expected {
            XCTAssertTrue(lines.contains(line), "missing line: \(line)\n\(markdown)")
        }
        XCTAssertFalse(markdown.contains("Unresolved conflicts"), "no warning without conflicts")
        XCTAssertTrue(markdown.hasSuffix(".\n"), "ends with one newline")
        XCTAssertFalse(markdown.hasSuffix("\n\n"))
    }

    func testTheMostSeriousFindingComesFirst() {
        let markdown = MarkdownReport.render(SampleDocument.worked())
        let minor = markdown.range(of: "### F-7HF9JHJ2")!.lowerBound
        let observation = markdown.range(of: "### F-0AAAAAAA")!.lowerBound
        XCTAssertLessThan(minor, observation, "minor before observation, whatever the ids")
    }

    func testTextThatLooksLikeMarkupIsEscapedAndTablesStayWhole() {
        let note = "Policy | owner: <script>alert(\"x\")</script> & *CEO* [link](http://x) `code` &amp;\nsecond line\r\nthird"
        let markdown = MarkdownReport.render(SampleDocument.worked(note: note))
        let row = markdown.components(separatedBy: "\n").first { $0.hasPrefix("| iso42001:2023/4.1 |") }
        XCTAssertEqual(row, "| iso42001:2023/4.1 | Internal and external issues affecting the organization | conform | "
                       + "Policy \\| owner: \\<script\\>alert(\"x\")\\</script\\> & \\*CEO\\* \\[link\\](http://x) \\`code\\` \\&amp;"
                       + "<br>second line<br>third | alice | 2026-11-29 07:57:43 UTC |")
        XCTAssertFalse(markdown.replacingOccurrences(of: "\\<", with: "").contains("<script"), "no raw HTML from the audit")
        // Every row of the checklist table has the header's six cells.
        let rows = markdown.components(separatedBy: "\n").filter { $0.hasPrefix("| iso42001:2023/") }
        XCTAssertEqual(rows.count, 4)
        for row in rows {
            XCTAssertEqual(Self.unescapedPipes(row), 7, row)
        }
    }

    func testEscapingLeavesPlainTextAlone() {
        XCTAssertEqual(MarkdownReport.escape("Risk criteria (draft) - v2.1: 30 June, R & D."), "Risk criteria (draft) - v2.1: 30 June, R & D.")
        XCTAssertEqual(MarkdownReport.escape("a_b ~c~ $5 \\ |"), "a\\_b \\~c\\~ \\$5 \\\\ \\|")
        XCTAssertEqual(MarkdownReport.escape("&lt; &#60; R&D"), "\\&lt; \\&#60; R\\&D")
        XCTAssertEqual(MarkdownReport.escape("one\ntwo\u{2028}three"), "one<br>two<br>three")
    }

    func testUnresolvedConflictsAreFlaggedAtTheTopAndInTheirCells() {
        let markdown = MarkdownReport.render(SampleDocument.worked(conflicts: [SampleDocument.resultConflict]))
        let lines = markdown.components(separatedBy: "\n")
        XCTAssertEqual(lines[0], "# Audit report A-2026-0001")
        XCTAssertTrue(lines[2].hasPrefix("> **⚠ Unresolved conflicts.** This report has 1 unresolved conflict:"), lines[2])
        XCTAssertLessThan(markdown.range(of: "Unresolved conflicts")!.lowerBound, markdown.range(of: "## Audit")!.lowerBound)
        XCTAssertTrue(lines.contains("- **Open conflicts:** 1 — see Open conflicts"), markdown)
        XCTAssertTrue(lines.contains { $0.hasPrefix("| iso42001:2023/4.2 |") && $0.contains("| not-audited ⚠ conflict |") }, markdown)
        XCTAssertTrue(lines.contains("| checklist item iso42001:2023/4.2 | result | \"conform\" from node b5485b3fd51e3cdc at "
                                     + "2026-11-29 07:57:43 UTC | \"nonconform\" from node 7dd16155334d3b9d at 2026-11-29 07:57:43 UTC |"),
                      markdown)
    }

    func testAnAuditWithNoWorkRenders() {
        let markdown = MarkdownReport.render(SampleDocument.empty())
        for line in ["- **Checklist:** 0 of 3 items audited", "- **Findings:** 0, none blocking certification",
                     "- **Recommendation:** not recorded yet", "- **Latest recorded change:** nothing recorded yet",
                     "No findings raised.", "Not recorded yet.", "No notes.", "No evidence beyond what the findings list.",
                     "None: every field has one value.", "| **Total** | **0** | **0** | **0** | **0** | **0** |"] {
            XCTAssertTrue(markdown.components(separatedBy: "\n").contains(line), "missing line: \(line)\n\(markdown)")
        }
        // Even a document with nothing in it renders, rather than failing.
        XCTAssertTrue(MarkdownReport.render(.object([:])).hasPrefix("# Audit report (unknown audit)\n"))
        XCTAssertTrue(MarkdownReport.render(.null).contains("The checklist is empty."))
    }

    func testTheSameDocumentGivesTheSameBytes() {
        let document = SampleDocument.worked(conflicts: [SampleDocument.resultConflict])
        XCTAssertEqual(MarkdownReport.render(document), MarkdownReport.render(document))
        XCTAssertEqual(ReportFormat.markdown.render(document), MarkdownReport.render(document))
    }

    func testJSONIsTheCanonicalDocumentWithTheReportsAdditions() {
        let document = AuditDocument(json: SampleDocument.worked())
        guard case .object(var members) = document.json else { return XCTFail("not an object") }
        members["report"] = [
            "body": nil, "certificate": nil, "decision": nil, "decisions_known": false,
            "team": [["id": "alice", "name": nil, "role": "lead"], ["id": "bob", "name": nil, "role": "auditor"]],
        ]
        XCTAssertEqual(ReportFormat.json.render(document), JSONValue.object(members).encoded(pretty: true) + "\n",
                       "every member of the document as it is, and the report's additions")
        XCTAssertEqual(ReportFormat.allCases.map(\.rawValue), ["html", "markdown", "json"])
    }

    private static func unescapedPipes(_ row: String) -> Int {
        var count = 0
        var escaped = false
        for character in row {
            if escaped { escaped = false; continue }
            if character == "\\" { escaped = true } else if character == "|" { count += 1 }
        }
        return count
    }
}
