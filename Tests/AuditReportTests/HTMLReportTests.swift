import AuditReport
import CanonicalJSON
import XCTest

final class HTMLReportTests: XCTestCase {
    func testEverySectionOfTheReportIsPresent() {
        let html = HTMLReport.render(SampleDocument.worked())
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"), html)
        XCTAssertTrue(html.hasSuffix("</main>\n</body>\n</html>\n"), html)
        let expected = [
            "<title>Audit report A-2026-0001 — Acme AI Ltd</title>",
            "<h1>Audit report A-2026-0001</h1>", "<p class=\"subtitle\">Acme AI Ltd — Stage 2 audit</p>",
            "<h2>Audit</h2>", "<dt>Client</dt><dd>Acme AI Ltd (C-0001)</dd>",
            "<dt>Sites</dt><dd><ul><li>1 Main Street, Dublin</li><li>Data centre, Cork</li></ul></dd>",
            "<dt>Scope</dt><dd>Design and operation of AI hiring assistants</dd>",
            "<dt>Audit kind</dt><dd>Stage 2</dd>",
            "<li>ISO/IEC 42001:2023 — Artificial intelligence management system (iso42001:2023)</li>",
            "<dt>Team</dt><dd><ul><li>alice, lead auditor</li><li>bob, auditor</li></ul></dd>",
            "<h2>Summary</h2>", "<dt>Checklist</dt><dd>3 of 4 items audited</dd>",
            "<dt>Findings</dt><dd>2, 1 blocking certification (F-7HF9JHJ2 minor, responded)</dd>",
            "<tr><td class=\"r-nonconform\">nonconform</td><td class=\"num\">1</td></tr>",
            "<tr><td>minor</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">0</td>"
                + "<td class=\"num\">1</td></tr>",
            "<h2>Lead auditor&#39;s recommendation</h2>", "<dt>Decision</dt><dd>Refuse certification</dd>",
            "<h2>Findings</h2>", "<article class=\"finding g-minor\">", "<h3>F-7HF9JHJ2 — Minor nonconformity, responded</h3>",
            "<dt>Client&#39;s response</dt><dd>Risk criteria to be approved by the board by 30 June</dd>",
            "<dt>Acceptance note</dt><dd>—</dd>",
            "<li>risk-register.pdf — 2,500,000 bytes — SHA-256 <span class=\"digest\">\(SampleDocument.digest)</span> — added by bob</li>",
            "<h2>Checklist</h2>",
            "<tr><td class=\"id\">iso42001:2023/6.1.2</td><td>AI risk assessment</td><td class=\"r-nonconform\">nonconform</td>"
                + "<td>No AI risk assessment process documented</td><td>bob</td><td>2026-11-29 08:01:02 UTC</td></tr>",
            "<h2>Notes</h2>", "<h2>Audit evidence</h2>", "<td>site-photo.jpg</td>",
            "<h2>Open conflicts</h2>", "<p>None: every field has one value.</p>",
        ]
        for fragment in expected {
            XCTAssertTrue(html.contains(fragment), "missing: \(fragment)\n\(html)")
        }
        XCTAssertFalse(html.contains("role=\"alert\""), "no warning without conflicts")
    }

    func testEveryTextFromTheAuditIsEscaped() {
        let note = "<script>alert('x')</script> & \"quoted\" <img src=x onerror=alert(1)>"
        let html = HTMLReport.render(SampleDocument.worked(note: note))
        XCTAssertTrue(html.contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot; "
                                    + "&lt;img src=x onerror=alert(1)&gt;</td>"), html)
        XCTAssertFalse(html.lowercased().contains("<script"), "no script element")
        XCTAssertFalse(html.contains("<img"), "no element from the audit's text")
        XCTAssertEqual(HTMLReport.escape("a & b < c > d \" e ' f"), "a &amp; b &lt; c &gt; d &quot; e &#39; f")
    }

    func testThePageIsSelfContained() {
        let html = HTMLReport.render(SampleDocument.worked(conflicts: [SampleDocument.resultConflict]))
        for forbidden in ["<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "http://", "https://"] {
            XCTAssertFalse(html.lowercased().contains(forbidden), "\(forbidden) in the page")
        }
        XCTAssertTrue(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"))
        XCTAssertTrue(html.contains("<style>\n"))
        XCTAssertTrue(html.contains("@media print"), "styled for paper")
    }

    func testUnresolvedConflictsAreFlaggedAtTheTop() {
        let html = HTMLReport.render(SampleDocument.worked(conflicts: [SampleDocument.resultConflict]))
        let alert = html.range(of: "<p class=\"alert\" role=\"alert\"><strong>⚠ Unresolved conflicts.</strong> This report has 1 unresolved conflict:")
        XCTAssertNotNil(alert, html)
        XCTAssertLessThan(alert!.lowerBound, html.range(of: "<h2>Audit</h2>")!.lowerBound, "before the first section")
        XCTAssertTrue(html.contains("<td class=\"r-none in-conflict\">not-audited <span class=\"conflict\">⚠ conflict</span></td>"), html)
        XCTAssertTrue(html.contains("<tr class=\"in-conflict\"><td>checklist item iso42001:2023/4.2</td><td>result</td>"
                                    + "<td>&quot;conform&quot; from node b5485b3fd51e3cdc at 2026-11-29 07:57:43 UTC</td>"), html)
    }

    func testAnAuditWithNoWorkRenders() {
        let html = HTMLReport.render(SampleDocument.empty())
        for fragment in ["<dt>Checklist</dt><dd>0 of 3 items audited</dd>", "<p>No findings raised.</p>", "<p>Not recorded yet.</p>",
                         "<p>No notes.</p>", "<dt>Latest recorded change</dt><dd>nothing recorded yet</dd>",
                         "<tr><td class=\"id\">iso42001:2023/A.2.2</td><td>AI policy</td><td class=\"r-none\">not-audited</td><td></td><td></td><td></td></tr>"] {
            XCTAssertTrue(html.contains(fragment), "missing: \(fragment)\n\(html)")
        }
        XCTAssertTrue(HTMLReport.render(.null).hasSuffix("</html>\n"))
    }

    func testTheSameDocumentGivesTheSameBytes() {
        let document = SampleDocument.worked(conflicts: [SampleDocument.resultConflict])
        XCTAssertEqual(HTMLReport.render(document), HTMLReport.render(document))
        XCTAssertEqual(ReportFormat.html.render(document), HTMLReport.render(document))
    }
}
