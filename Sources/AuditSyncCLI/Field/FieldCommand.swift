import ArgumentParser
import FieldNode

struct FieldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "field",
        abstract: "Work on an auditor's laptop: enroll with the central, then audit offline.",
        subcommands: [FieldInit.self, FieldSync.self]
    )
}
