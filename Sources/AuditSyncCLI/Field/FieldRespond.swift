import ArgumentParser
import AuditDomain
import CanonicalJSON
import Foundation

struct FieldRespond: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "respond",
        abstract: "Record the result of one checklist item.",
        discussion: """
            Results: conform, nonconform, not-applicable (needs --note saying why the \
            requirement does not apply), not-audited (takes a result back). Recording again \
            replaces the result; if a teammate recorded the same item meanwhile, both are kept \
            and `field conflicts` lists them until one of you records it again. Works offline; \
            `field sync` shares it.

            Example:
              auditsync field respond --audit A-2026-0001 --item iso42001:2023/6.1.2 \\
                  --result nonconform --note "No AI risk assessment process documented"
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The audit's id.")
    var audit: String

    @Option(help: ArgumentHelp("The checklist item, STANDARD/ITEM, e.g. iso42001:2023/6.1.2 or iso27001:2022/A.5.1.",
                               valueName: "item"))
    var item: String

    @Option(help: "conform, nonconform, not-applicable or not-audited.")
    var result: String

    @Option(help: "What the auditor saw; required for not-applicable.")
    var note: String?

    func validate() throws {
        _ = try parsingArgument { try ChecklistItemID(parsing: item) }
        let result = try parsedResult()
        // The command line alone shows it is incomplete, so it is bad usage, not a failed write.
        if result.needsJustification && (trimmedNote ?? "").isEmpty {
            throw ValidationError(DomainError.missingJustification(item: item).description)
        }
    }

    private func parsedResult() throws -> ChecklistResult {
        try parsingArgument { try DomainError.parse(ChecklistResult.self, result, what: "result") }
    }

    /// The note as the replica stores it.
    private var trimmedNote: String? { note?.trimmingCharacters(in: .whitespacesAndNewlines) }

    func run() throws {
        let result = try parsedResult()
        try global.openFieldReplica().recordResult(audit: audit, item: item, result: result, note: note)
        global.emit(["audit": .string(audit), "item": .string(item), "result": .string(result.rawValue), "note": .optional(trimmedNote)],
                    text: "recorded \(item) \(result.rawValue) on audit \(audit)")
    }
}
