import ArgumentParser
import AuditDomain
import CanonicalJSON
import CentralNode

struct CentralAuditor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auditor",
        abstract: "Manage the certification body's auditors.",
        subcommands: [Add.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an auditor.",
            discussion: """
                Roles: auditor (audits), lead (leads audit teams and records their recommendation), \
                reviewer (takes certification decisions on audits they were not part of). Repeat \
                --role for several; with none, the auditor has the auditor role.

                Example:
                  auditsync central auditor add --id alice --name "Alice Martin" --role auditor --role lead
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "A short unique id: letters, digits, '.', '_' or '-'.")
        var id: String

        @Option(help: "The auditor's full name.")
        var name: String

        @Option(help: ArgumentHelp("auditor, lead or reviewer; repeatable.", valueName: "role"))
        var role: [String] = []

        func validate() throws {
            _ = try parsedRoles()
        }

        private func parsedRoles() throws -> [AuditorRole] {
            try parsingArgument { try role.map { try DomainError.parse(AuditorRole.self, $0, what: "role") } }
        }

        func run() throws {
            let roles = try parsedRoles()
            let central = try global.openCentral()
            try central.addAuditor(id: id, name: name, roles: roles)
            let stored = try central.auditor(id)?.roles ?? []
            global.emit(["id": .string(id), "roles": .array(stored.map { .string($0.rawValue) })],
                        text: "added auditor \(id) (\(stored.map(\.rawValue).joined(separator: ", ")))")
        }
    }
}
