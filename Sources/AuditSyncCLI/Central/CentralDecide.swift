import ArgumentParser
import CanonicalJSON
import CentralNode
import Foundation

struct CentralDecide: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Take the certification decision on an audit: grant (issues a signed certificate) or refuse.",
        discussion: """
            Only a reviewer who was not on the audit team decides. A grant needs: a stage2, \
            recertification or special audit; a result for every checklist item of the certified \
            standards; no major finding short of closed and no minor one short of accepted; and the \
            lead auditor's recommendation to grant. If anything is missing, the command lists it \
            and nothing is issued. A refusal needs --reason. An audit is decided once; every \
            decision is kept, refusals with their reason.

            Example:
              auditsync central decide --audit A-2026-0001 --reviewer carol --grant
              auditsync central decide --audit A-2026-0002 --reviewer carol --refuse --reason "major finding still open"
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The audit's id.")
    var audit: String

    @Option(help: "The reviewer taking the decision (reviewer role, not on the audit team).")
    var reviewer: String

    @Flag(help: "Grant certification.")
    var grant = false

    @Flag(help: "Refuse certification.")
    var refuse = false

    @Option(help: "Why (kept with the decision).")
    var reason: String?

    func validate() throws {
        guard grant != refuse else { throw ValidationError("give exactly one of --grant and --refuse") }
        // SPEC §2.1: a refusal needs a reason; the client and the assessor will ask for it.
        if refuse, reason?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true {
            throw ValidationError("a refusal needs --reason TEXT: the client and the accreditation assessor read it")
        }
    }

    func run() throws {
        let decision = try global.openCentral().decide(audit: audit, reviewer: reviewer, grant: grant, reason: reason)
        var document: [String: JSONValue] = ["audit": .string(audit), "decision": .string(grant ? "grant" : "refuse")]
        if let number = decision.certificate { document["certificate"] = .string(number) }
        global.emit(.object(document), text: decision.certificate.map { "granted: certificate \($0) issued for audit \(audit)" }
                        ?? "refused certification of audit \(audit)\(reason.map { ": \($0)" } ?? "")")
    }
}
