import ArgumentParser
import AuditReplica
import FieldNode

struct FieldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "field",
        abstract: "Work on an auditor's laptop: enroll with the central, then audit offline.",
        subcommands: [FieldInit.self, FieldSync.self, FieldCheck.self, FieldAudits.self, FieldAudit.self, FieldChecklist.self,
                      FieldRespond.self, FieldFinding.self, FieldEvidence.self, FieldConflicts.self, FieldRecommend.self, FieldReport.self]
    )
}

extension GlobalOptions {
    /// The laptop's replica of --data, working as its enrolled auditor. Everything it does is
    /// local; `field sync` carries it to the central. Before `field init` the error says so.
    func openFieldReplica() throws -> AuditReplica {
        try FieldNode(at: dataDirectory).replica()
    }
}
