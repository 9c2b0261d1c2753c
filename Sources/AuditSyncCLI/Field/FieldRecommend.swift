import ArgumentParser
import AuditDomain
import CanonicalJSON

struct FieldRecommend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Record the lead auditor's recommendation to grant or refuse certification.",
        discussion: """
            Only the audit's lead records it; the certification decision itself is taken at \
            the central by a reviewer who was not on the audit (`central decide`), after \
            `field sync` has carried the recommendation there. Recording again replaces it.

            Example:
              auditsync field recommend --audit A-2026-0001 --grant \\
                  --note "All nonconformities closed or accepted"
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The audit's id.")
    var audit: String

    @Flag(help: "Recommend granting certification.")
    var grant = false

    @Flag(help: "Recommend refusing certification.")
    var refuse = false

    @Option(help: "Why, for the decision maker.")
    var note: String?

    func validate() throws {
        if grant == refuse { throw ValidationError("give exactly one of --grant or --refuse") }
    }

    func run() throws {
        let recommendation: Recommendation = grant ? .grant : .refuse
        let replica = try global.openFieldReplica()
        try replica.recommend(audit: audit, recommendation, note: note)
        global.emit(["audit": .string(audit), "recommendation": .string(recommendation.rawValue),
                     "by": .string(replica.actor), "note": .optional(note)],
                    text: "recorded the recommendation to \(recommendation.rawValue) certification on audit \(audit); "
                        + "`auditsync field sync` takes it to the central")
    }
}
