import ArgumentParser
import AuditDomain
import CanonicalJSON
import CentralNode

struct CentralAuditor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auditor",
        abstract: "Manage the certification body's auditors.",
        subcommands: [Add.self, Qualify.self, Declare.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an auditor.",
            discussion: """
                Roles: auditor (audits), lead (leads audit teams and records their recommendation), \
                reviewer (takes certification decisions on audits they were not part of). Repeat \
                --role for several; with none, the auditor has the auditor role.

                --qualified names a standard the auditor is qualified to audit (repeatable; \
                `central auditor qualify` adds more later).

                Example:
                  auditsync central auditor add --id alice --name "Alice Martin" --role auditor --role lead \
                      --qualified iso42001:2023
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "A short unique id: letters, digits, '.', '_' or '-'.")
        var id: String

        @Option(help: "The auditor's full name.")
        var name: String

        @Option(help: ArgumentHelp("auditor, lead or reviewer; repeatable.", valueName: "role"))
        var role: [String] = []

        @Option(help: ArgumentHelp("A standard the auditor is qualified for, e.g. iso42001:2023; repeatable.", valueName: "std"))
        var qualified: [String] = []

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
            for standard in qualified { try central.qualify(auditor: id, for: StandardID(standard)) }
            let stored = try central.auditor(id)?.roles ?? []
            let standards = try central.qualifications(of: id)
            global.emit(["id": .string(id), "roles": .array(stored.map { .string($0.rawValue) }),
                         "qualified": .array(standards.map { .string($0.rawValue) })],
                        text: "added auditor \(id) (\(stored.map(\.rawValue).joined(separator: ", ")))"
                            + (standards.isEmpty ? "" : ", qualified for \(standards.map(\.rawValue).joined(separator: ", "))"))
        }
    }

    struct Qualify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that an auditor is qualified to audit against a standard.",
            discussion: """
                Example:
                  auditsync central auditor qualify --auditor alice --standard iso27001:2022
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The auditor's id.")
        var auditor: String

        @Option(help: ArgumentHelp("The standard, e.g. iso27001:2022.", valueName: "std"))
        var standard: String

        func run() throws {
            let central = try global.openCentral()
            try central.qualify(auditor: auditor, for: StandardID(standard))
            let standards = try central.qualifications(of: auditor)
            global.emit(["id": .string(auditor), "qualified": .array(standards.map { .string($0.rawValue) })],
                        text: "\(auditor) is qualified for \(standards.map(\.rawValue).joined(separator: ", "))")
        }
    }

    struct Declare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a conflict of interest between an auditor or reviewer and a client.",
            discussion: """
                Someone with a declared conflict (recent consultancy for the client, employment) is \
                never put on that client's audits and never decides on them: `audit create` and \
                `decide` refuse, saying why.

                Example:
                  auditsync central auditor declare --auditor carol --client C-0001 --reason "consultant to Acme until 2025"
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The auditor's or reviewer's id.")
        var auditor: String

        @Option(help: "The client's id.")
        var client: String

        @Option(help: "What the conflict is, in one line.")
        var reason: String

        func run() throws {
            try global.openCentral().declareConflict(auditor: auditor, client: client, reason: reason)
            global.emit(["auditor": .string(auditor), "client": .string(client), "reason": .string(reason)],
                        text: "recorded: \(auditor) has a conflict of interest with \(client) (\(reason))")
        }
    }
}
