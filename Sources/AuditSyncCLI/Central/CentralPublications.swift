import ArgumentParser
import CanonicalJSON
import CentralNode

struct CentralKeys: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Publish the keys certificates are signed with.",
                                                    subcommands: [Export.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the JWK Set that verifies this central's certificates and status lists.",
            discussion: "Example:\n  auditsync central keys export --out keys.jwks")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The file to write.", valueName: "file")) var out: String

        func run() throws {
            let path = try FileOutput.write(try global.openCentral().publicKeys().document.encoded(pretty: true) + "\n", to: out)
            global.emit(["out": .string(path)], text: "wrote the JWK Set to \(path)")
        }
    }
}

struct CentralStatusList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status-list", abstract: "Publish certificate statuses.",
                                                    subcommands: [Export.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the signed status lists (suspension, revocation, supersession), one JWS per line.",
            discussion: "Example:\n  auditsync central status-list export --out status-list.jwt")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The file to write.", valueName: "file")) var out: String

        func run() throws {
            let path = try FileOutput.write(try global.openCentral().signedStatusLists(), to: out)
            global.emit(["out": .string(path)], text: "wrote the status lists to \(path)")
        }
    }
}
