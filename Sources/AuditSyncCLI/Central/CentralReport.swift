import ArgumentParser
import AuditDocumentFormat
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
            same changes, with what only the central knows added: the auditors' full names, the \
            certification decision and the certificate. It gives the certification body, the \
            client, sites, scope, planned dates, standards and team with their roles, the \
            certificate and earlier audits, a summary, the decision, the lead's recommendation, \
            the findings carried from earlier audits, every finding with its evidence (name and \
            SHA-256), the whole checklist, notes, and any unresolved conflicts, which it flags at \
            the top. html is one printable A4 page with page numbers (inline CSS, no scripts, \
            nothing fetched); markdown is GitHub-flavoured Markdown; json is the canonical \
            document with the report's additions under "report". The file is written whole or \
            not at all, and an existing one is replaced.

            Example:
              auditsync central report --audit A-2026-0001 --format html \\
                  --out reports/A-2026-0001.html
            """
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var report: ReportOptions

    func run() throws {
        let central = try global.openCentral()
        let document = try central.replica.auditDocument(audit: report.audit)
        try report.write(document, context: try context(central, document), global: global)
    }

    /// Everything the central knows around the document: the body's name, every auditor's and
    /// the reviewer's full name, the decision and its certificate.
    private func context(_ central: Central, _ document: AuditDocument) throws -> ReportContext {
        let names = Dictionary(try central.auditors().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let decision = try central.decisions(audit: report.audit).last.map { decision in
            ReportContext.Decision(granted: decision.granted, reviewer: decision.reviewer, reason: decision.reason,
                                   decidedAt: decision.decidedAt, certificate: decision.certificate,
                                   documentSHA256: decision.documentSHA256)
        }
        return ReportContext(body: try central.name, names: names, knowsDecisions: true, decision: decision,
                             certificate: decision?.certificate ?? document.certificate)
    }
}
