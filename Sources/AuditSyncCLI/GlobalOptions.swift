import ArgumentParser
import CanonicalJSON
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The node's data directory (default: $AUDITSYNC_HOME, else ~/.auditsync).", valueName: "dir"))
    var data: String?

    @Flag(name: .long, help: "Print exactly one JSON document on standard output.")
    var json = false

    var dataDirectory: URL {
        if let data { return URL(fileURLWithPath: (data as NSString).expandingTildeInPath) }
        if let home = ProcessInfo.processInfo.environment["AUDITSYNC_HOME"], !home.isEmpty {
            return URL(fileURLWithPath: (home as NSString).expandingTildeInPath)
        }
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".auditsync")
    }

    /// Prints the JSON document with --json, otherwise the human text.
    func emit(_ document: @autoclosure () -> JSONValue, text: @autoclosure () -> String) {
        if json {
            Output.standard(document().encoded(pretty: true))
        } else {
            Output.standard(text())
        }
    }
}

/// Runs a parse of a command-line value; its failure is bad usage (exit 2), in its own words.
func parsingArgument<T>(_ parse: () throws -> T) throws -> T {
    do {
        return try parse()
    } catch {
        throw ValidationError(String(describing: error))
    }
}

enum Output {
    static func standard(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
