import Foundation
import XCTest

/// The HTML report on paper, as a real browser prints it: headless Chromium prints the report of
/// a 193-item audit to PDF, and the PDF's text shows a page number on every page and every
/// checklist id whole (`iso27001:2022/A.8.34` split over two lines reads as two items).
/// `deploy/install-deps` installs Chromium and pdftotext; without them the test is skipped.
final class ReportPrintTests: XCTestCase {
    private static let chromium = "/usr/bin/chromium"
    private static let pdftotext = "/usr/bin/pdftotext"

    func testAPrintedReportNumbersItsPagesAndNeverBreaksAnId() throws {
        for tool in [Self.chromium, Self.pdftotext] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is not installed (deploy/install-deps installs it)")
        }
        let scratch = try ScratchDirectory(prefix: "auditsync-print")
        let data = scratch.appending("central")
        for step: [String] in [
            ["init", "--name", "Certa Assurance Ltd"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso27001:2022",
             "--qualified", "iso42001:2023"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin"],
            ["audit", "create", "--client", "C-0001", "--standard", "iso27001:2022", "--standard", "iso42001:2023",
             "--kind", "stage2", "--scope", "AI hiring assistants", "--lead", "alice"],
        ] {
            assertSuccess(try CLI.run(["central"] + step + ["--data", data.path]))
        }
        let html = scratch.appending("report.html"), pdf = scratch.appending("report.pdf"), text = scratch.appending("report.txt")
        assertSuccess(try CLI.run(["central", "report", "--audit", "A-2026-0001", "--format", "html", "--out", html.path,
                                   "--data", data.path]))
        // As root Chromium needs --no-sandbox; its own profile keeps it off the user's.
        XCTAssertEqual(try CLI.runProgram(["/usr/bin/timeout", "120", Self.chromium, "--headless", "--no-sandbox", "--disable-gpu",
                                           "--no-pdf-header-footer", "--user-data-dir=\(scratch.appending("profile").path)",
                                           "--print-to-pdf=\(pdf.path)", html.absoluteString]), 0)
        XCTAssertEqual(try CLI.runProgram([Self.pdftotext, pdf.path, text.path]), 0)

        let pages = String(decoding: try Data(contentsOf: text), as: UTF8.self)
            .split(separator: "\u{0C}", omittingEmptySubsequences: true).filter { !$0.allSatisfy(\.isWhitespace) }
        XCTAssertGreaterThan(pages.count, 2, "a long checklist fills several pages")
        for (index, page) in pages.enumerated() {
            XCTAssertTrue(page.contains("Page \(index + 1) of \(pages.count)"), "page \(index + 1) has no number:\n\(page)")
        }
        let ids = Set(pages.joined().matches(of: /iso[0-9]+:[0-9]{4}\/(A\.)?[0-9]+(\.[0-9]+)*/).map { String($0.output.0) })
        XCTAssertEqual(ids.count, 193, "every checklist id whole on one line")
        XCTAssertTrue(ids.contains("iso27001:2022/A.8.34"))
    }
}
