import CentralNode
import FieldNode
import Foundation
import Glibc
import ReplicaStore
import SQLiteKit
import XCTest

/// Sync under faults: the laptop's process killed in the middle of a download, the central
/// killed in the middle of a sync. Nothing committed is lost, the next sync finishes, and every
/// database passes `PRAGMA integrity_check`.
final class FieldSyncFaultTests: XCTestCase {
    private var processes: [ServerProcess] = []
    private var scratch: ScratchDirectory!
    private var data: URL!

    override func setUpWithError() throws {
        scratch = try ScratchDirectory(prefix: "auditsync-fault")
        data = scratch.appending("central")
        for step: [String] in [
            ["init", "--name", "Fault Test Body", "--listen", "127.0.0.1:0"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso42001:2023"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin"],
            ["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
             "--scope", "AI hiring assistants", "--lead", "alice"],
        ] {
            XCTAssertEqual(try CLI.run(["central"] + step + ["--data", data.path]).status, 0, "\(step)")
        }
        // 40,000 notes written at the central: a download that takes a while.
        let central = try Central(opening: data)
        for batch in 0..<40 {
            try central.store.write((0..<1000).map { index in
                FieldWrite("note", "A-2026-0001/N-\(batch)-\(index)", "text", .text("observation \(batch).\(index)"))
            })
        }
    }

    override func tearDown() {
        for process in processes where process.isRunning { process.kill() }
        super.tearDown()
    }

    private func serve() throws -> (ServerProcess, UInt16) {
        let server = try ServerProcess(["central", "serve", "--listen", "127.0.0.1:0", "--data", data.path])
        processes.append(server)
        let line = try XCTUnwrap(server.firstStdoutLine(timeout: 15), server.transcript)
        return (server, try XCTUnwrap(line.split(separator: ":").last.flatMap { UInt16($0) }))
    }

    private func enrollAlice(port: UInt16) throws -> URL {
        let token = try CLI.run(["central", "enroll", "--auditor", "alice", "--address", "127.0.0.1:\(port)", "--json",
                                 "--data", data.path])
        let laptop = scratch.appending("alice")
        let text = try XCTUnwrap(try jsonObject(token)["token"] as? String)
        XCTAssertEqual(try CLI.run(["field", "init", "--token", text, "--data", laptop.path]).status, 0)
        return laptop
    }

    private func centralDocument() throws -> String {
        try CLI.run(["central", "audit", "show", "--audit", "A-2026-0001", "--json", "--data", data.path]).stdout
    }

    private func fieldDocument(_ laptop: URL) throws -> String {
        try FieldNode(at: laptop).replica().document(audit: "A-2026-0001").encoded(pretty: true) + "\n"
    }

    func testALaptopKilledMidDownloadFinishesAtTheNextSync() throws {
        let (_, port) = try serve()
        let laptop = try enrollAlice(port: port)
        let sync = try ServerProcess(["field", "sync", "--data", laptop.path])
        processes.append(sync)
        XCTAssertNotNil(sync.stderrLine(containing: "received", timeout: 30), sync.transcript)
        sync.send(signal: SIGKILL)
        _ = sync.waitForExit(timeout: 5)

        let partial = try FieldNode(at: laptop).store.recordCount()
        XCTAssertGreaterThan(partial, 0, "what was committed before the kill stays")
        XCTAssertEqual(try SQLiteCheck.integrity(of: laptop.appending(path: "field.sqlite")), "ok")

        let finish = try CLI.run(["field", "sync", "--json", "--data", laptop.path], timeout: 120)
        XCTAssertEqual(finish.status, 0, "\(finish)\n\(processes[0].transcript)")
        XCTAssertEqual(try FieldNode(at: laptop).store.recordCount(), 40_008, "every record once, none twice")
        XCTAssertEqual(try fieldDocument(laptop), try centralDocument())
        XCTAssertEqual(try SQLiteCheck.integrity(of: laptop.appending(path: "field.sqlite")), "ok")
    }

    func testACentralKilledMidSyncLosesNothingAndTheNextSyncConverges() throws {
        let (server, port) = try serve()
        let laptop = try enrollAlice(port: port)
        XCTAssertEqual(try CLI.run(["field", "sync", "--data", laptop.path], timeout: 120).status, 0)
        // Alice's own work waits to go up while the central gathers 40,000 more records.
        try FieldNode(at: laptop).replica().recordResult(audit: "A-2026-0001", item: "iso42001:2023/4.1", result: .conform, note: nil)
        let central = try Central(opening: data)
        for batch in 0..<40 {
            try central.store.write((0..<1000).map { index in
                FieldWrite("note", "A-2026-0001/M-\(batch)-\(index)", "text", .text("second visit \(batch).\(index)"))
            })
        }
        let sync = try ServerProcess(["field", "sync", "--data", laptop.path])
        processes.append(sync)
        XCTAssertNotNil(sync.stderrLine(containing: "received", timeout: 30), sync.transcript)
        server.send(signal: SIGKILL)
        XCTAssertEqual(sync.waitForExit(timeout: 15), 4, "the cut is a lost connection for the auditor\n\(sync.transcript)")
        XCTAssertTrue(sync.stderr.contains("error:"), sync.transcript)
        XCTAssertEqual(try SQLiteCheck.integrity(of: data.appending(path: "central.sqlite")), "ok")
        XCTAssertTrue(try centralDocument().contains("\"result\": \"conform\""), "the push was committed before the cut")

        // The laptop knows the central's address from enrollment: restart it on the same port.
        let restarted = try ServerProcess(["central", "serve", "--listen", "127.0.0.1:\(port)", "--data", data.path])
        processes.append(restarted)
        XCTAssertNotNil(restarted.firstStdoutLine(timeout: 15), restarted.transcript)
        let finish = try CLI.run(["field", "sync", "--json", "--data", laptop.path], timeout: 120)
        XCTAssertEqual(finish.status, 0, "\(finish)\n\(restarted.transcript)")
        XCTAssertEqual(try jsonObject(finish)["sent"] as? Int, 0, "nothing is sent twice")
        XCTAssertEqual(try fieldDocument(laptop), try centralDocument())
        XCTAssertEqual(try FieldNode(at: laptop).store.recordCount(), try central.store.recordCount())
        XCTAssertEqual(try SQLiteCheck.integrity(of: laptop.appending(path: "field.sqlite")), "ok")
    }

}

/// `PRAGMA integrity_check` through SQLiteKit, so the test needs no sqlite3 binary.
enum SQLiteCheck {
    static func integrity(of file: URL) throws -> String {
        var options = Database.Options()
        options.create = false
        options.durableWAL = false
        let database = try Database(path: file.path, options: options)
        let query = try database.prepare("PRAGMA integrity_check")
        defer { query.reset() }
        _ = try query.step()
        return query.text(0)
    }
}
