import ArgumentParser
import AuditDomain
import AuditReport
import CanonicalJSON
import CentralNode
import Foundation

struct CentralReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an audit's report for the client and the certification body's reviewers.",
        discussion: """
            The report is made from the audit's merged state, the document `central audit show \
            --json` prints, so it is byte for byte the `field report` of any laptop holding the \
            same changes. It gives the client, sites, scope, standards and team, a summary, the \
            lead's recommendation, every finding with its evidence (name and SHA-256), the whole \
            checklist, notes, and any unresolved conflicts, which it flags at the top. html is one \
            printable page (inline CSS, no scripts, nothing fetched); markdown is GitHub-flavoured \
            Markdown; json is the canonical document itself. The file is written whole or not at \
            all, and an existing one is replaced.

            Example:
              auditsync central report --audit A-2026-0001 --format html \\
                  --out reports/A-2026-0001.html
            """
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var report: ReportOptions

    func run() throws {
        let document = try global.openCentral().replica.document(audit: report.audit)
        try report.write(document, global: global)
    }
}
