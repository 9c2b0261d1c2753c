import ArgumentParser

/// `auditsync`: the one executable of AuditSync.
public struct AuditSyncCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "auditsync",
        abstract: "Certification audits in the field, merged without losing a write.",
        discussion: """
            Central node commands run at the certification body; `demo` runs the whole flow on \
            this machine, explained as it goes. Every command takes --data DIR and --json.

            Start with:  auditsync demo
            """,
        version: "0.2.0",
        subcommands: [CentralCommand.self, FieldCommand.self, VerifyCommand.self, TrailCommand.self, DemoCommand.self]
    )

    public init() {}
}
