import ArgumentParser
import CanonicalJSON
import CentralNode

struct CentralInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a central node in the data directory.",
        discussion: """
            Creates the directory (owner-only permissions) and the central database, and draws \
            the node's random id. Refuses a directory that already holds a central node.

            Example:
              auditsync central init --name "Example Certification Body" --data /var/lib/auditsync
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The certification body's name, as certificates will show it.")
    var name: String

    @Option(help: ArgumentHelp("Where `central serve` listens (default 0.0.0.0:7420).", valueName: "host:port"))
    var listen: String?

    func validate() throws {
        _ = try listenAddress()
    }

    private func listenAddress() throws -> ListenAddress {
        try parsingArgument { try listen.map { try ListenAddress(parsing: $0) } ?? .default }
    }

    func run() throws {
        let address = try listenAddress()
        let central = try Central.initialize(at: global.dataDirectory, name: name, listen: address)
        global.emit(
            ["id": .string(central.node.hex), "name": .string(name), "listen": .string(address.description),
             "data": .string(global.dataDirectory.path)],
            text: "created central node \(central.node.hex) for \(name) in \(global.dataDirectory.path) (listens on \(address))")
    }
}
