import ArgumentParser
import CanonicalJSON
import CentralNode

struct CentralClient: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Manage the organisations the certification body audits.",
        subcommands: [Add.self, CentralClientList.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client organisation and its sites; prints the client's id.",
            discussion: """
                Example:
                  auditsync central client add --name "Acme AI Ltd" --site "1 Main St, Dublin" --site "Data centre, Cork"
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The organisation's legal name.")
        var name: String

        @Option(help: ArgumentHelp("A site in the certification's scope; repeatable.", valueName: "text"))
        var site: [String] = []

        func validate() throws {
            if site.isEmpty { throw ValidationError("give at least one --site") }
        }

        func run() throws {
            let id = try global.openCentral().addClient(name: name, sites: site)
            global.emit(["id": .string(id)], text: "added client \(id): \(name)")
        }
    }
}
