import ArgumentParser
import AuditDocumentFormat
import AuditDomain
import AuditReport
import CanonicalJSON
import CentralNode
import Foundation

/// What `central report` and `field report` share: they differ only in the replica they read.
struct ReportOptions: ParsableArguments {
    @Option(help: "The audit's id.")
    var audit: String

    @Option(help: ArgumentHelp("html, markdown or json.", valueName: "format"))
    var format: String

    @Option(help: ArgumentHelp("The report file to write (replaced if it exists).", valueName: "file"))
    var out: String

    func validate() throws {
        _ = try parsedFormat()
    }

    private func parsedFormat() throws -> ReportFormat {
        try parsingArgument { try DomainError.parse(ReportFormat.self, format, what: "report format") }
    }

    /// Renders `document` with what the node knows around it and writes it to --out; prints
    /// what was written.
    func write(_ document: AuditDocument, context: ReportContext, global: GlobalOptions) throws {
        let format = try parsedFormat()
        let destination = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        let bytes = try FileOutput.replace(destination, with: Array(format.render(document, context: context).utf8))
        let conflicts = document.conflicts.count
        global.emit(["out": .string(destination.path), "format": .string(format.rawValue), "bytes": .int(bytes)],
                    text: "wrote the \(format.rawValue) report of audit \(audit) to \(destination.path) (\(bytes) bytes)"
                        + (conflicts == 0 ? "" : "; it flags \(conflicts) unresolved conflict\(conflicts == 1 ? "" : "s") at the top"))
    }
}
