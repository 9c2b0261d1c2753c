import ArgumentParser
import AuditDomain
import AuditReplica
import CanonicalJSON

struct FieldAudits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audits",
        abstract: "List the audits on this laptop, with how far each checklist is.",
        discussion: """
            The audits this laptop holds: the ones its auditor is on, as the last `field sync` \
            brought them. A new assignment appears after the next sync.

            Example:
              auditsync field audits
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let replica = try global.openFieldReplica()
        let audits = try replica.audits().map { plan in
            (plan, try replica.checklist(audit: plan.id))
        }
        let lines = audits.map { plan, checklist in
            "\(plan.id)  \(plan.kind.rawValue)  \(plan.clientName) (\(plan.client))  "
                + "\(plan.standards.map(\.rawValue).joined(separator: ", "))  lead \(plan.lead)  "
                + "\(checklist.audited) of \(checklist.count) items audited"
        }
        global.emit(["audits": .array(audits.map { plan, checklist in
                        [
                            "id": .string(plan.id),
                            "client": ["id": .string(plan.client), "name": .string(plan.clientName)],
                            "kind": .string(plan.kind.rawValue),
                            "scope": .string(plan.scope),
                            "standards": .array(plan.standards.map { .string($0.rawValue) }),
                            "lead": .string(plan.lead),
                            "auditors": .array(plan.auditors.map(JSONValue.string)),
                            "items": .int(checklist.count),
                            "audited": .int(checklist.audited),
                        ]
                    })],
                    text: lines.isEmpty
                        ? "no audits on this laptop yet; `auditsync field sync` brings the audits you are on"
                        : lines.joined(separator: "\n"))
    }
}

struct FieldAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read an audit's merged state on this laptop.",
        subcommands: [Show.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an audit's merged state as this laptop holds it.",
            discussion: """
                Everything this laptop knows of the audit: its own work and what the last \
                `field sync` brought from the team. With --json, prints the canonical document, \
                the same as `central audit show`: once both hold the same changes they print \
                identical bytes.

                Example:
                  auditsync field audit show --audit A-2026-0001
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The audit's id.")
        var audit: String

        func run() throws {
            let document = try global.openFieldReplica().document(audit: audit)
            global.emit(document, text: AuditText.render(document))
        }
    }
}

extension [ChecklistLine] {
    /// Items with a result, `not-applicable` included: the ones an auditor has dealt with.
    var audited: Int { filter { $0.result != .notAudited }.count }
}
