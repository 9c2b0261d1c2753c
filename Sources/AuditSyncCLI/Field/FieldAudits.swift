import ArgumentParser
import AuditDomain
import AuditReplica
import CanonicalJSON

struct FieldAudits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audits",
        abstract: "List the audits on this laptop, with how far each checklist is.",
        discussion: """
            The audits this laptop holds: the ones its auditor is on, and the earlier audits of \
            their certifications, as the last `field sync` brought them. A new assignment appears \
            after the next sync; an audit whose team you left is deleted from this laptop at it \
            (`field sync` says so). An audit marked read-only (decided, or followed up by a later \
            audit) is there to read: every change to it is refused, with the reason shown here.

            Example:
              auditsync field audits
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let audits = try AuditListing(try global.openFieldReplica())
        global.emit(["audits": audits.json],
                    text: audits.isEmpty
                        ? "no audits on this laptop yet; `auditsync field sync` brings the audits you are on"
                        : audits.lines.joined(separator: "\n"))
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
            let document = try global.openFieldReplica().auditDocument(audit: audit)
            global.emit(document.json, text: AuditText.render(document))
        }
    }
}
