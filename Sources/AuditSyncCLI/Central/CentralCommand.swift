import ArgumentParser
import CentralNode
import Foundation

struct CentralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central",
        abstract: "Run the certification body's central node: its audit programme and merged audits.",
        subcommands: [CentralInit.self, CentralServe.self, CentralCheck.self, CentralAuditor.self, CentralClient.self, CentralAudit.self,
                      CentralEnroll.self, CentralNodes.self, CentralReport.self, CentralBackup.self, CentralRestore.self, CentralStatus.self,
                      CentralDecide.self, CentralDecision.self, CentralProgramme.self, CentralCertificates.self, CentralKeys.self,
                      CentralStatusList.self]
    )
}

extension GlobalOptions {
    /// The central node of --data, or an error that says how to create one.
    func openCentral() throws -> Central {
        try Central(opening: dataDirectory)
    }
}
