import ArgumentParser
import AuditTrail
import CanonicalJSON
import CentralNode
import Foundation

struct TrailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trail",
        abstract: "Check an exported audit trail, offline.",
        subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every record, signature, chain and author of an audit trail, and the document it rebuilds.",
            discussion: """
                FILE is what `auditsync central audit export` wrote (protocol/trail.md). Checks, \\
                with nothing but the file: every node key is attested by the central; every run \\
                of records continues its writer's chain and is signed by it; every record says \\
                what its signed bytes say, and names the auditor its node belongs to; the audit \\
                document rebuilt from the records has the SHA-256 the decision and the \\
                certificates name. Exit 0 only if everything holds; every problem is named by line. \\
                Compare the central's record key it prints with the one the certification body publishes.

                Example:
                  auditsync trail verify A-2026-0001.trail.jsonl
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The exported trail.", valueName: "file"))
        var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: (file as NSString).expandingTildeInPath) else {
                throw FileOutput.Failure(description: "cannot read the trail \(file)")
            }
            let report = TrailVerifier.verify(String(decoding: data, as: UTF8.self))
            let summary = "audit \(report.audit): \(report.nodes) nodes, \(report.runs) runs (\(report.withheld) withheld), "
                + "\(report.records) records, \(report.decisions) decisions, \(report.certificates) certificates; "
                + "document SHA-256 \(report.documentSHA256); central record key \(report.centralKey)"
            global.emit([
                "holds": .bool(report.holds), "audit": .string(report.audit), "nodes": .int(report.nodes), "runs": .int(report.runs),
                "records": .int(report.records), "withheld": .int(report.withheld), "decisions": .int(report.decisions),
                "certificates": .int(report.certificates), "document_sha256": .string(report.documentSHA256),
                "central_record_key": .string(report.centralKey), "problems": .array(report.problems.map(JSONValue.string)),
            ], text: (report.holds ? "ok: " : "does not hold: ") + summary
                + (report.problems.isEmpty ? "" : "\n" + report.problems.joined(separator: "\n")))
            if !report.holds { throw ExitCode(1) }
        }
    }
}

struct CentralAuditExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an audit's signed trail: every record, seal, node key, decision and certificate.",
        discussion: """
            A self-contained file of JSON lines (protocol/trail.md) an accreditation assessor checks \\
            with `auditsync trail verify FILE`, or with any JSON and Ed25519 tools. Works while \\
            `central serve` runs.

            Example:
              auditsync central audit export --audit A-2026-0001 --out A-2026-0001.trail.jsonl
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The audit's id.")
    var audit: String

    @Option(help: ArgumentHelp("The file to write.", valueName: "file"))
    var out: String

    func run() throws {
        let trail = try global.openCentral().exportTrail(audit: audit)
        let path = try FileOutput.write(trail, to: out)
        global.emit(["out": .string(path), "lines": .int(trail.split(separator: "\n").count)],
                    text: "wrote the trail of audit \(audit) to \(path)")
    }
}
