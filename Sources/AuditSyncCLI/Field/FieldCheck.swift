import ArgumentParser
import CanonicalJSON
import FieldNode

struct FieldCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check this laptop's database and every evidence file; set damaged evidence aside.",
        discussion: """
            Runs SQLite's integrity check on the laptop's database and re-hashes every evidence \
            file against the SHA-256 it is stored under. A damaged evidence file (bit rot, a tool \
            that changed it) is moved to blobs/quarantine/ in the data directory, its bytes kept: \
            the next `field sync` brings a good copy down again if the central has one; \
            otherwise add the file again with `field evidence add`, as the report says. Exits 0 \
            when everything is intact, 1 when it found damage. It reads every file, so it takes \
            about as long as copying the data directory.

            Example:
              auditsync field check
              auditsync field check --json     # {"database": "ok", "evidence": 12, "quarantined": []}
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let report = try FieldNode.check(at: global.dataDirectory)
        global.emit(["database": .string(report.databaseProblems.isEmpty ? "ok" : "damaged"),
                     "database_problems": .array(report.databaseProblems.map(JSONValue.string)),
                     "database_advice": .optional(report.databaseProblems.isEmpty ? nil : Self.databaseAdvice),
                     "evidence": .int(report.evidenceChecked), "quarantined": .array(report.quarantined.map(\.json)),
                     "altered_records": .array(report.alteredRecords.map(JSONValue.string))],
                    text: Self.text(report))
        if !report.isHealthy { throw ExitCode(1) }
    }

    /// What to do about a damaged database: the laptop's own work since its last sync is in it.
    static let databaseAdvice = """
        stop working on this laptop and copy its data directory somewhere safe (it may hold work not synced yet); \
        what was synced is safe at the central: restore the data directory from a backup, or ask the \
        certification body for a new token and enroll again into a new directory \
        (`auditsync field init --token TOKEN --data NEWDIR`), then `auditsync field sync`
        """

    static func text(_ report: FieldCheckReport) -> String {
        let files = "\(report.evidenceChecked) evidence file\(report.evidenceChecked == 1 ? "" : "s")"
        if report.isHealthy { return "ok: the database and \(files) are intact" }
        var lines: [String] = []
        if let first = report.databaseProblems.first {
            let more = report.databaseProblems.count > 1 ? " (and \(report.databaseProblems.count - 1) more problems)" : ""
            lines.append("database \(FieldNode.databaseName) is damaged: \(first)\(more); \(databaseAdvice)")
        } else {
            lines.append("database \(FieldNode.databaseName): ok")
        }
        lines.append("\(files) checked, \(report.quarantined.count) damaged")
        lines += report.quarantined.map(\.advice)
        if !report.alteredRecords.isEmpty {
            lines.append("records altered since they were written (they will not be sent; keep a copy of this directory "
                         + "and tell the certification body):")
            lines += report.alteredRecords.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}
