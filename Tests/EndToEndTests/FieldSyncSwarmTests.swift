import CentralNode
import FieldNode
import Foundation
import ReplicaStore
import XCTest

/// Many laptops syncing with one `central serve` at the same moment, each with its own offline
/// work in the same audit: nothing is lost, and everyone ends with the same audit.
final class FieldSyncSwarmTests: XCTestCase {
    func testSixteenLaptopsSyncingAtOnceConvergeWithNothingLost() throws {
        let laptops = 16
        let scratch = try ScratchDirectory(prefix: "auditsync-swarm")
        let data = scratch.appending("central")
        let team = (0..<laptops).map { "auditor\($0)" }
        var steps: [[String]] = [["init", "--name", "Swarm Body", "--listen", "127.0.0.1:0"],
                                 ["client", "add", "--name", "Acme", "--site", "Dublin"]]
        steps += team.map { ["auditor", "add", "--id", $0, "--name", "Auditor \($0)", "--role", "lead", "--qualified", "iso42001:2023"] }
        steps.append(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
                      "--scope", "AI", "--lead", team[0]] + team.dropFirst().flatMap { ["--auditor", $0] })
        for step in steps { XCTAssertEqual(try CLI.run(["central"] + step + ["--data", data.path]).status, 0, "\(step)") }
        let server = try ServerProcess(["central", "serve", "--listen", "127.0.0.1:0", "--data", data.path])
        defer { if server.isRunning { server.kill() } }
        let port = try XCTUnwrap(server.firstStdoutLine(timeout: 15)?.split(separator: ":").last.flatMap { UInt16($0) })

        // Enroll every laptop and bring it the audit.
        var homes: [URL] = []
        for auditor in team {
            let token = try jsonObject(try CLI.run(["central", "enroll", "--auditor", auditor, "--address", "127.0.0.1:\(port)",
                                                    "--json", "--data", data.path]))["token"] as? String ?? ""
            let home = scratch.appending(auditor)
            XCTAssertEqual(try CLI.run(["field", "init", "--token", token, "--data", home.path]).status, 0)
            XCTAssertEqual(try CLI.run(["field", "sync", "--data", home.path]).status, 0)
            homes.append(home)
        }
        // Offline, each records eight items and a note; four items are the same for everyone.
        let items = ["4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.2", "6.3", "7.1"]
        for (index, home) in homes.enumerated() {
            let replica = try FieldNode(at: home).replica()
            for item in items.prefix(4) + items.dropFirst(4 + index % 10).prefix(4) {
                try replica.recordResult(audit: "A-2026-0001", item: "iso42001:2023/\(item)", result: index % 2 == 0 ? .conform : .nonconform,
                                         note: "seen by laptop \(index)")
            }
            _ = try replica.addNote(audit: "A-2026-0001", item: nil, text: "laptop \(index) was here")
        }

        // All at once, twice: the second round brings each laptop what the others sent in the first.
        for round in 1...2 {
            let results = try runConcurrently(homes.map { ["field", "sync", "--json", "--data", $0.path] })
            for (home, result) in zip(homes, results) {
                XCTAssertEqual(result.status, 0, "round \(round), \(home.lastPathComponent)\n\(result)\n\(server.transcript)")
            }
        }
        let central = try CLI.run(["central", "audit", "show", "--audit", "A-2026-0001", "--json", "--data", data.path]).stdout
        let centralRecords = try Central(opening: data).store.recordCount()
        for home in homes {
            let node = try FieldNode(at: home)
            XCTAssertEqual(try node.replica().document(audit: "A-2026-0001").encoded(pretty: true) + "\n", central,
                           "\(home.lastPathComponent) converged")
            XCTAssertEqual(try node.store.recordCount(), centralRecords, "\(home.lastPathComponent) holds every record")
        }
        for index in 0..<laptops { XCTAssertTrue(central.contains("laptop \(index) was here"), "laptop \(index)'s note arrived") }
        withExtendedLifetime(scratch) {}
    }

    /// Starts every command at once — a thread each, not a pool as wide as the machine's two
    /// cores — and waits for all.
    private func runConcurrently(_ commands: [[String]]) throws -> [CLIResult] {
        let results = ResultsBox(count: commands.count)
        let group = DispatchGroup()
        for (index, command) in commands.enumerated() {
            group.enter()
            Thread {
                results.set(index, Result { try CLI.run(command, timeout: 120) })
                group.leave()
            }.start()
        }
        group.wait()
        return try results.values.map { try $0!.get() }
    }
}

private final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Result<CLIResult, Error>?]
    init(count: Int) { stored = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<CLIResult, Error>) { lock.withLock { stored[index] = value } }
    var values: [Result<CLIResult, Error>?] { lock.withLock { stored } }
}
