import ArgumentParser
import AuditReplica
import CanonicalJSON
import CentralNode

extension CentralAudit {
    /// `central audit team --audit ID (--add | --remove | --lead) AUDITOR`.
    struct Team: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an auditor to an audit's team, remove one, or change the lead.",
            discussion: """
                Works while `central serve` runs: the change applies to the next sync of every \
                laptop. A new member's laptop receives the audit (and the earlier audits of its \
                certification) at its next sync; a removed member's laptop deletes the audit, its \
                records and the evidence no other audit on it uses, and receives nothing of it \
                again. Only for an audit that is not decided and not read-only.

                Rules: the lead holds the lead role, and the old lead stays on the team unless \
                removed; the lead is never removed (make another member the lead first); nobody \
                with a declared conflict of interest with the client joins; every certifiable \
                standard keeps a qualified member and the lead stays qualified for one of them.

                Example:
                  auditsync central audit team --audit A-2026-0001 --add dan
                  auditsync central audit team --audit A-2026-0001 --lead dan
                  auditsync central audit team --audit A-2026-0001 --remove alice
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The audit's id.")
        var audit: String

        @Option(help: ArgumentHelp("Put this auditor on the team.", valueName: "auditor"))
        var add: String?

        @Option(help: ArgumentHelp("Take this member off the team.", valueName: "auditor"))
        var remove: String?

        @Option(help: ArgumentHelp("Make this auditor the lead (joining the team if not on it).", valueName: "auditor"))
        var lead: String?

        func validate() throws {
            if [add, remove, lead].compactMap({ $0 }).count != 1 {
                throw ValidationError("give exactly one of --add AUDITOR, --remove AUDITOR or --lead AUDITOR")
            }
        }

        private var change: TeamChange {
            if let add { return .add(add) }
            if let remove { return .remove(remove) }
            return .lead(lead ?? "")
        }

        func run() throws {
            let change = change
            let plan = try global.openCentral().changeTeam(of: audit, change)
            let done = switch change {
            case .add(let id): "added \(id) to"
            case .remove(let id): "removed \(id) from"
            case .lead(let id): "\(id) now leads"
            }
            global.emit(["audit": .string(plan.id), "lead": .string(plan.lead),
                         "auditors": .array(plan.auditors.map(JSONValue.string)),
                         "team": .array(plan.team.map(JSONValue.string))],
                        text: "\(done) audit \(plan.id): lead \(plan.lead)"
                            + (plan.auditors.isEmpty ? ", no other auditors" : ", auditors \(plan.auditors.joined(separator: ", "))"))
        }
    }
}
