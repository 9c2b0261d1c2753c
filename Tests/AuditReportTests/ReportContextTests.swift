import AuditDocumentFormat
import AuditReport
import CanonicalJSON
import XCTest

/// What a report adds to the document (issue 8, item 7): the certification body, the team with
/// full names and roles, the planned dates, the certificate and earlier audits, the findings
/// carried from them, the decision; ids that never break; page numbers on paper.
final class ReportContextTests: XCTestCase {
    /// A surveillance audit of certificate CERT-2026-0001, with a finding carried from stage 2,
    /// decided and so read-only.
    private let document: AuditDocument = {
        var document = AuditDocument(json: SampleDocument.worked())
        document.kind = "surveillance"
        document.certificate = "CERT-2026-0001"
        document.planned = AuditDocument.Planned(from: "2027-03-01", to: "2027-03-03")
        document.earlier = ["A-2026-0001"]
        document.frozen = "decided: granted by carol"
        document.findings.append(AuditDocument.Finding(id: "F-CARRIED1", item: "iso27001:2022/A.8.34", grade: "minor",
                                                       statement: "Audit logging of test systems", status: "accepted",
                                                       carriedFrom: "A-2026-0001/F-7HF9JHJ2", updated: "2027-03-02T10:00:00.000Z"))
        document.checklist.append(AuditDocument.ChecklistEntry(item: "iso27001:2022/A.8.34", title: "Protecting systems during audit tests",
                                                               result: "conform"))
        return document
    }()

    private let central = ReportContext(
        body: "Certa Assurance Ltd", names: ["alice": "Alice Martin", "bob": "Bob Osei", "carol": "Carol Ng"], knowsDecisions: true,
        decision: ReportContext.Decision(granted: true, reviewer: "carol", reason: nil, decidedAt: "2027-03-10T09:00:00.000Z",
                                         certificate: "CERT-2026-0001", documentSHA256: SampleDocument.digest),
        certificate: "CERT-2026-0001")

    func testTheMarkdownReportNamesTheBodyThePeopleTheDatesAndTheDecision() {
        let lines = Set(MarkdownReport.render(document, context: central).components(separatedBy: "\n"))
        for line in ["- **Certification body:** Certa Assurance Ltd", "- **Planned:** 2027-03-01 to 2027-03-03",
                     "  - Alice Martin (alice), lead auditor", "  - Bob Osei (bob), auditor",
                     "- **Certificate:** CERT-2026-0001", "- **Earlier audits:**", "  - A-2026-0001",
                     "- **Record:** read-only: decided: granted by carol",
                     "## Certification decision", "- **Decision:** Granted", "- **Decided by:** Carol Ng (carol), reviewer",
                     "- **Decided at:** 2027-03-10 09:00:00 UTC", "  - `\(SampleDocument.digest)`",
                     "## Follow-up of earlier audits", "| Finding | Follows up | Grade | Status | Item |",
                     "| F-CARRIED1 | A-2026-0001/F-7HF9JHJ2 | Minor nonconformity | accepted | iso27001:2022/A.8.34 |",
                     "- **Follows up:** A-2026-0001/F-7HF9JHJ2"] {
            XCTAssertTrue(lines.contains(line), "missing line: \(line)")
        }
    }

    func testTheHTMLReportSaysTheSameAndKeepsIdsOnOneLine() {
        let html = HTMLReport.render(document, context: central)
        for fragment in ["<dt>Certification body</dt><dd>Certa Assurance Ltd</dd>", "<dt>Planned</dt><dd>2027-03-01 to 2027-03-03</dd>",
                         "<li>Alice Martin (alice), lead auditor</li>", "<dt>Certificate</dt><dd>CERT-2026-0001</dd>",
                         "<dt>Earlier audits</dt><dd><ul><li class=\"id\">A-2026-0001</li></ul></dd>",
                         "<h2>Certification decision</h2>", "<dt>Decided by</dt><dd>Carol Ng (carol), reviewer</dd>",
                         "<h2>Follow-up of earlier audits</h2>",
                         "<tr><td class=\"id\">F-CARRIED1</td><td class=\"id\">A-2026-0001/F-7HF9JHJ2</td><td>Minor nonconformity</td>"
                            + "<td>accepted</td><td class=\"id\">iso27001:2022/A.8.34</td></tr>",
                         "<tr><td class=\"id\">iso27001:2022/A.8.34</td>",
                         ".id { white-space: nowrap; overflow-wrap: normal; }"] {
            XCTAssertTrue(html.contains(fragment), "missing: \(fragment)")
        }
    }

    func testPrintedPagesAreNumbered() {
        let html = HTMLReport.render(document, context: central)
        XCTAssertTrue(html.contains("@bottom-right { content: \"Page \" counter(page) \" of \" counter(pages);"), html)
    }

    func testTheJSONReportCarriesTheContextUnderReport() {
        let json = ReportFormat.json.render(document, context: central)
        for fragment in ["\"body\": \"Certa Assurance Ltd\"", "\"reviewer_name\": \"Carol Ng\"", "\"decisions_known\": true",
                         "\"name\": \"Bob Osei\"", "\"role\": \"lead\"", "\"carried_from\": \"A-2026-0001/F-7HF9JHJ2\"",
                         "\"document_sha256\": \"\(SampleDocument.digest)\""] {
            XCTAssertTrue(json.contains(fragment), "missing: \(fragment)\n\(json)")
        }
    }

    func testALaptopsReportShowsIdsWhereItKnowsNoNameAndDoesNotClaimADecision() {
        let laptop = ReportContext(body: "Certa Assurance Ltd", names: ["bob": "Bob Osei"])
        let lines = Set(MarkdownReport.render(document, context: laptop).components(separatedBy: "\n"))
        for line in ["  - alice, lead auditor", "  - Bob Osei (bob), auditor", "- **Certificate:** CERT-2026-0001",
                     "Decisions are taken at the certification body's central and are not known where this report was made; "
                        + "the audit is read-only: decided: granted by carol."] {
            XCTAssertTrue(lines.contains(line), "missing line: \(line)")
        }
        let open = MarkdownReport.render(AuditDocument(json: SampleDocument.worked()), context: ReportContext(knowsDecisions: true))
        XCTAssertTrue(open.contains("\nNot decided yet.\n"), open)
        XCTAssertTrue(open.contains("\nNo findings carried from earlier audits.\n"), open)
        XCTAssertTrue(open.contains("- **Planned:** no dates planned\n"), open)
    }
}
