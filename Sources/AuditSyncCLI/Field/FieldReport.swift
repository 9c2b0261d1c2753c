import ArgumentParser
import AuditReport
import FieldNode

struct FieldReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an audit's report from this laptop, offline.",
        discussion: """
            The report of the audit as this laptop holds it: its own work and what the last \
            `field sync` brought from the team. It is made from the same document as `field \
            audit show --json`, so once the laptop and the central hold the same changes it says \
            what `central report` says, but for what only the central knows: the laptop names the \
            certification body and its own auditor, shows the other members by id, and does not \
            know the decision (a read-only audit says why). Unresolved conflicts are flagged at \
            the top. Formats: html (one printable A4 page with page numbers, nothing fetched), \
            markdown (GitHub-flavoured) and json (the canonical document, the report's additions \
            under "report"). The file is written whole or not at all, and an existing one is \
            replaced.

            Example:
              auditsync field report --audit A-2026-0001 --format markdown \\
                  --out A-2026-0001.md
            """
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var report: ReportOptions

    func run() throws {
        let node = try FieldNode(at: global.dataDirectory)
        let document = try node.replica().auditDocument(audit: report.audit)
        let enrollment = try node.enrollment
        let names = enrollment.map { [$0.auditor: $0.auditorName].filter { !$0.value.isEmpty } } ?? [:]
        try report.write(document, context: ReportContext(body: enrollment?.centralName, names: names), global: global)
    }
}
