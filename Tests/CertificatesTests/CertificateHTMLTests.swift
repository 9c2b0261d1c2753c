import Certificates
import XCTest

final class CertificateHTMLTests: XCTestCase {
    func testEveryFieldAndTheNumberAreShown() {
        let data = CertificateFixtures.data
        let page = CertificateHTML.render(data, status: .active)
        XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        XCTAssertTrue(page.contains("<p class=\"number\">ECB-2026-0001</p>"))
        for text in [data.issuerName, data.issuerID, data.clientName, data.scope, data.originalIssueDate, data.issueDate, data.expiryDate,
                     data.audit, "iso42001:2023", "Artificial intelligence — Management system", "iso27001:2022", "Hauptstraße 1, 10115 Berlin",
                     "Rue de la Paix 2, 75002 Paris", "<dd>1</dd>", "<dd>4242</dd>", "Active", "auditsync verify"]
        {
            XCTAssertTrue(page.contains(text), text)
        }
        for (status, wording) in [(CertificateStatus.suspended, "Suspended"), (.withdrawn, "Withdrawn"), (.expired, "Expired"), (.invalid, "Invalid")] {
            XCTAssertTrue(CertificateHTML.render(data, status: status).contains("class=\"status s-\(status.rawValue)\">\(wording)"), wording)
        }
    }

    func testThePageIsSelfContained() {
        let page = CertificateHTML.render(CertificateFixtures.data, status: .active)
        for forbidden in ["<script", "src=", "href=", "url(", "@import", "http://", "<link", "<img", "<iframe", "javascript:"] {
            XCTAssertFalse(page.lowercased().contains(forbidden), forbidden)
        }
        XCTAssertTrue(page.contains("default-src 'none'"))
        XCTAssertTrue(page.contains("<style>"))
    }

    func testEveryTextIsEscaped() {
        let hostile = "<script>alert(\"x\")</script> & 'quoted' <img src=x onerror=alert(1)>"
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; &lt;img src=x onerror=alert(1)&gt;"
        let data = CertificateData(
            number: hostile, issuerName: hostile, issuerID: hostile, clientName: hostile, sites: [hostile, hostile], scope: hostile,
            standards: [CertifiedStandard(id: hostile, title: hostile)], originalIssueDate: hostile, issueDate: hostile,
            expiryDate: hostile, revision: 0, audit: hostile, statusIndex: 0)
        let page = CertificateHTML.render(data, status: .invalid)
        XCTAssertFalse(page.contains("<script"))
        XCTAssertFalse(page.contains("<img"))
        XCTAssertFalse(page.contains("'quoted'"))
        XCTAssertFalse(page.contains("\"x\""))
        // number ×3 (title, heading, facts), issuer name ×3, client ×3, and each other field once or more.
        XCTAssertGreaterThanOrEqual(page.components(separatedBy: escaped).count - 1, 16)
        XCTAssertEqual(CertificateHTML.escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;")
    }
}
