import ArgumentParser
import CanonicalJSON
import CentralNode

struct CentralCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the central's database and every evidence file; set damaged evidence aside.",
        discussion: """
            Runs SQLite's integrity check on central.sqlite and re-hashes every evidence file \
            against the SHA-256 it is stored under. A damaged evidence file is moved to \
            blobs/quarantine/ in the data directory, its bytes kept: the central then lacks it, \
            and the next laptop that offers it at a sync uploads a good copy (`central serve` \
            does the same for a file a laptop asks for). Works while `central serve` runs. \
            Exits 0 when everything is intact, 1 when it found damage.

            Example:
              auditsync central check --data /var/lib/auditsync
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let report = try Central.check(at: global.dataDirectory)
        let quarantined: [JSONValue] = report.quarantined.map {
            ["sha256": .string($0.sha256), "actual": .string($0.actual), "kept_at": .optional($0.keptAtInDataDirectory),
             "problem": .optional($0.problem)]
        }
        global.emit(["database": .string(report.databaseProblems.isEmpty ? "ok" : "damaged"),
                     "database_problems": .array(report.databaseProblems.map(JSONValue.string)),
                     "evidence": .int(report.evidenceChecked), "quarantined": .array(quarantined),
                     "decisions": .int(report.decisionsChecked),
                     "altered_decisions": .array(report.alteredDecisions.map(JSONValue.string))],
                    text: Self.text(report))
        if !report.isHealthy { throw ExitCode(1) }
    }

    static func text(_ report: CentralCheckReport) -> String {
        let files = "\(report.evidenceChecked) evidence file\(report.evidenceChecked == 1 ? "" : "s")"
        let decided = "\(report.decisionsChecked) decided audit\(report.decisionsChecked == 1 ? "" : "s")"
        if report.isHealthy { return "ok: the database, \(files) and the documents of \(decided) are intact" }
        var lines: [String] = []
        if let first = report.databaseProblems.first {
            let more = report.databaseProblems.count > 1 ? " (and \(report.databaseProblems.count - 1) more problems)" : ""
            lines.append("database \(Central.databaseName) is damaged: \(first)\(more); stop `central serve`, keep a copy "
                         + "of the data directory, and restore the latest backup into a new directory "
                         + "(docs/operating-the-central.md, \"Look after it\")")
        } else {
            lines.append("database \(Central.databaseName): ok")
        }
        lines.append("\(files) checked, \(report.quarantined.count) damaged")
        lines += report.quarantined.map(\.operatorNote)
        lines.append("\(decided) checked, \(report.alteredDecisions.count) altered since the decision")
        lines += report.alteredDecisions
        return lines.joined(separator: "\n")
    }
}
