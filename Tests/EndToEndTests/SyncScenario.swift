import Foundation
import XCTest

/// What the sync and fault tests share: a central (`central init`, alice as lead, one client and
/// one ISO/IEC 42001 audit, A-2026-0001, with any other team members), served by real `central
/// serve` processes, and laptops enrolled with real tokens. Every process it starts is killed
/// when the scenario is stopped.
final class SyncScenario {
    let scratch: ScratchDirectory
    let data: URL
    let audit = "A-2026-0001"
    private var processes: [ServerProcess] = []

    init(prefix: String, team: [(id: String, name: String)] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        scratch = try ScratchDirectory(prefix: prefix)
        data = scratch.appending("central")
        let members = team.flatMap { ["--auditor", $0.id] }
        let steps: [[String]] = [["init", "--name", "Sync Test Body", "--listen", "127.0.0.1:0"],
                                 ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso42001:2023"]]
            + team.map { ["auditor", "add", "--id", $0.id, "--name", $0.name] }
            + [["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin"],
               ["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
                "--scope", "AI hiring assistants", "--lead", "alice"] + members]
        for step in steps {
            let result = try CLI.run(["central"] + step + ["--data", data.path])
            XCTAssertEqual(result.status, 0, "\(result)", file: file, line: line)
        }
    }

    /// Kills what is still running.
    func stop() {
        for process in processes where process.isRunning { process.kill() }
    }

    /// Starts an `auditsync` process that the scenario stops at the end.
    func start(_ arguments: [String]) throws -> ServerProcess {
        let process = try ServerProcess(arguments)
        processes.append(process)
        return process
    }

    /// `central serve` on `port` (0: a free one), once it listens.
    func serve(port: UInt16 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> (ServerProcess, UInt16) {
        let server = try start(["central", "serve", "--listen", "127.0.0.1:\(port)", "--data", data.path])
        let ready = try XCTUnwrap(server.firstStdoutLine(timeout: 15), server.transcript, file: file, line: line)
        return (server, try XCTUnwrap(ready.split(separator: ":").last.flatMap { UInt16($0) }, file: file, line: line))
    }

    /// A one-time token for `auditor`, naming the central at 127.0.0.1:`port`.
    func token(_ auditor: String, port: UInt16, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try CLI.run(["central", "enroll", "--auditor", auditor, "--address", "127.0.0.1:\(port)", "--json",
                                  "--data", data.path])
        return try XCTUnwrap(try Self.object(result)["token"] as? String, file: file, line: line)
    }

    /// `field init` of a laptop for `auditor` in the scenario's folder; its directory and node id.
    func enroll(_ auditor: String, port: UInt16, file: StaticString = #filePath, line: UInt = #line) throws -> (URL, String) {
        let laptop = scratch.appending(auditor)
        let result = try CLI.run(["field", "init", "--token", try token(auditor, port: port, file: file, line: line), "--json",
                                  "--data", laptop.path])
        XCTAssertEqual(result.status, 0, "\(result)", file: file, line: line)
        return (laptop, try XCTUnwrap(try Self.object(result)["id"] as? String, file: file, line: line))
    }

    private static func object(_ result: CLIResult) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw CLIError.notJSON(result)
        }
        return object
    }

    /// The central's audit document, as `central audit show --json` prints it.
    func centralDocument() throws -> String {
        try CLI.run(["central", "audit", "show", "--audit", audit, "--json", "--data", data.path]).stdout
    }

    /// A laptop's audit document, as `field audit show --json` prints it.
    func fieldDocument(_ laptop: URL) throws -> String {
        try CLI.run(["field", "audit", "show", "--audit", audit, "--json", "--data", laptop.path]).stdout
    }
}
