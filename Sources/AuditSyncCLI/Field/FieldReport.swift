import ArgumentParser

struct FieldReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an audit's report from this laptop, offline.",
        discussion: """
            The report of the audit as this laptop holds it: its own work and what the last \
            `field sync` brought from the team. It is made from the same document as `field \
            audit show --json`, so once the laptop and the central hold the same changes it is \
            byte for byte the central's `central report`. Unresolved conflicts are flagged at the \
            top. Formats: html (one printable page, nothing fetched), markdown (GitHub-flavoured) \
            and json (the canonical document). The file is written whole or not at all, and an \
            existing one is replaced.

            Example:
              auditsync field report --audit A-2026-0001 --format markdown \\
                  --out A-2026-0001.md
            """
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var report: ReportOptions

    func run() throws {
        let document = try global.openFieldReplica().document(audit: report.audit)
        try report.write(document, global: global)
    }
}
