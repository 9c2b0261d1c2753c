import ArgumentParser
import AuditDomain
import CanonicalJSON
import CentralNode

struct CentralAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Plan audits and read their merged state.",
        subcommands: [Create.self, Show.self, CentralAuditList.self, Team.self, CentralAuditExport.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan an audit of a client; prints the audit's id.",
            discussion: """
                The checklist is every clause and control of the standards named. At least one \
                standard must be certifiable; guidance standards (iso23894:2023, iso31000:2018, \
                iso22989:2022, iso23053:2022) may be added to the checklist. Kinds: stage1, stage2, \
                surveillance, recertification, special. The lead must hold the lead role. \
                A stage1 or stage2 audit starts a certification; every later audit names its \
                certificate (--certificate), and its team receives the earlier audits of the \
                certification read-only, with their findings short of closed carried into it. \
                --from and --to give the planned dates (YYYY-MM-DD); `central programme` shows them.

                Example:
                  auditsync central audit create --client C-0001 --standard iso42001:2023 \\
                      --kind stage2 --scope "Design and operation of AI hiring assistants" \\
                      --lead alice --auditor bob --from 2027-03-01 --to 2027-03-03
                  auditsync central audit create --client C-0001 --standard iso42001:2023 \\
                      --kind surveillance --certificate CERT-2027-0001 --scope "…" --lead dana
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The client's id (from `central client add`).")
        var client: String

        @Option(help: ArgumentHelp("A standard to audit against, e.g. iso42001:2023; repeatable.", valueName: "std"))
        var standard: [String] = []

        @Option(help: "stage1, stage2, surveillance, recertification or special.")
        var kind: String

        @Option(help: "The scope of certification, in one line.")
        var scope: String

        @Option(help: ArgumentHelp("The lead auditor's id.", valueName: "auditor"))
        var lead: String

        @Option(help: ArgumentHelp("Another auditor of the team; repeatable.", valueName: "auditor"))
        var auditor: [String] = []

        @Option(help: ArgumentHelp("The certificate of the certification this audit belongs to (all but stage1 and stage2).",
                                   valueName: "number"))
        var certificate: String?

        @Option(help: ArgumentHelp("The planned first day (YYYY-MM-DD).", valueName: "date"))
        var from: String?

        @Option(help: ArgumentHelp("The planned last day (YYYY-MM-DD).", valueName: "date"))
        var to: String?

        func validate() throws {
            if standard.isEmpty { throw ValidationError("give at least one --standard, e.g. --standard iso42001:2023") }
            _ = try parsedKind()
        }

        private func parsedKind() throws -> AuditKind {
            try parsingArgument { try DomainError.parse(AuditKind.self, kind, what: "audit kind") }
        }

        func run() throws {
            let kind = try parsedKind()
            let central = try global.openCentral()
            let id = try central.createAudit(client: client, standards: standard.map { StandardID($0) }, kind: kind,
                                             scope: scope, lead: lead, auditors: auditor, certificate: certificate,
                                             plannedFrom: from, plannedTo: to)
            let items = try central.replica.checklist(audit: id).count
            let plan = try central.replica.plan(of: id)
            let carried = try central.replica.carriedFindings(audit: id).count
            var text = "created audit \(id) (\(kind.rawValue), \(items) checklist items)"
            if !plan.earlier.isEmpty {
                text += "\nfollows up \(plan.earlier.joined(separator: ", ")) (read-only for its team); "
                    + "\(carried) finding\(carried == 1 ? "" : "s") carried"
            }
            global.emit(["id": .string(id), "checklist_items": .int(items), "certificate": .optional(plan.certificate),
                         "earlier": .array(plan.earlier.map(JSONValue.string)), "carried_findings": .int(carried)],
                        text: text)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an audit's merged state.",
            discussion: """
                With --json, prints the canonical document: sorted keys, stable order, conflicts \
                included. Replicas that merged the same changes print identical bytes, so \
                comparing documents (or their SHA-256) checks that they converged.

                Example:
                  auditsync central audit show --audit A-2026-0001 --json
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The audit's id.")
        var audit: String

        func run() throws {
            let document = try global.openCentral().replica.auditDocument(audit: audit)
            global.emit(document.json, text: AuditText.render(document))
        }
    }
}
