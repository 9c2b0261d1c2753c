import CentralNode
import Foundation
import Glibc
import ReplicaStore
import XCTest

/// Every refusal reaches the auditor in words, with its own exit status: revoked, not known to
/// the central, the central shutting down, the central unreachable.
final class FieldRefusalTests: XCTestCase {
    private var processes: [ServerProcess] = []
    private var scratch: ScratchDirectory!
    private var data: URL!

    override func setUpWithError() throws {
        scratch = try ScratchDirectory(prefix: "auditsync-refusal")
        data = scratch.appending("central")
        for step: [String] in [
            ["init", "--name", "Refusal Test Body", "--listen", "127.0.0.1:0"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin"],
            ["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
             "--scope", "AI hiring assistants", "--lead", "alice"],
        ] {
            XCTAssertEqual(try CLI.run(["central"] + step + ["--data", data.path]).status, 0, "\(step)")
        }
    }

    override func tearDown() {
        for process in processes where process.isRunning { process.kill() }
        super.tearDown()
    }

    private func serve(port: UInt16 = 0) throws -> (ServerProcess, UInt16) {
        let server = try ServerProcess(["central", "serve", "--listen", "127.0.0.1:\(port)", "--data", data.path])
        processes.append(server)
        let line = try XCTUnwrap(server.firstStdoutLine(timeout: 15), server.transcript)
        return (server, try XCTUnwrap(line.split(separator: ":").last.flatMap { UInt16($0) }))
    }

    private func enroll(port: UInt16) throws -> (URL, String) {
        let token = try CLI.run(["central", "enroll", "--auditor", "alice", "--address", "127.0.0.1:\(port)", "--json",
                                 "--data", data.path])
        let laptop = scratch.appending("alice")
        let result = try CLI.run(["field", "init", "--token", try XCTUnwrap(try jsonObject(token)["token"] as? String), "--json",
                                  "--data", laptop.path])
        XCTAssertEqual(result.status, 0, "\(result)")
        return (laptop, try XCTUnwrap(try jsonObject(result)["id"] as? String))
    }

    /// The words an auditor reads must not be the transport's or another step's.
    private func assertInWords(_ result: CLIResult, status: Int32, saying words: [String],
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, status, "\(result)", file: file, line: line)
        for word in words { XCTAssertTrue(result.stderr.contains(word), "'\(word)' missing: \(result.stderr)", file: file, line: line) }
        for wrong in ["refused the enrollment", "closed by the peer"] {
            XCTAssertFalse(result.stderr.contains(wrong), "'\(wrong)' in: \(result.stderr)", file: file, line: line)
        }
    }

    func testARevokedLaptopIsToldItWasRevoked() throws {
        let (_, port) = try serve()
        let (laptop, node) = try enroll(port: port)
        XCTAssertEqual(try CLI.run(["field", "sync", "--data", laptop.path], timeout: 60).status, 0)
        XCTAssertEqual(try CLI.run(["central", "node", "revoke", node, "--data", data.path]).status, 0)
        assertInWords(try CLI.run(["field", "sync", "--data", laptop.path], timeout: 60), status: 3, saying: ["revoked"])
    }

    func testALaptopTheCentralDoesNotKnowIsToldHowToEnrollAgain() throws {
        let backup = scratch.appending("before-enrollment.tar")
        XCTAssertEqual(try CLI.run(["central", "backup", "--out", backup.path, "--data", data.path]).status, 0)
        var (server, port) = try serve()
        let (laptop, _) = try enroll(port: port)
        server.send(signal: SIGTERM)
        XCTAssertEqual(server.waitForExit(timeout: 10), 0)
        XCTAssertEqual(try CLI.run(["central", "restore", "--from", backup.path, "--replace", "--data", data.path]).status, 0)
        (server, port) = try serve(port: port)
        assertInWords(try CLI.run(["field", "sync", "--data", laptop.path], timeout: 60), status: 3,
                      saying: ["does not know this laptop's key", "field init --token"])
    }

    func testACentralThatStopsMidSyncSaysSoAndTheLaptopMayTryAgainLater() throws {
        let central = try Central(opening: data)
        for batch in 0..<30 {
            try central.store.write((0..<1000).map { FieldWrite("note", "A-2026-0001/N-\(batch)-\($0)", "text", .text("n")) })
        }
        let (server, port) = try serve()
        let (laptop, _) = try enroll(port: port)
        let sync = try ServerProcess(["field", "sync", "--data", laptop.path])
        processes.append(sync)
        XCTAssertNotNil(sync.stderrLine(containing: "received", timeout: 30), sync.transcript)
        server.send(signal: SIGTERM)
        XCTAssertEqual(server.waitForExit(timeout: 10), 0, server.transcript)
        let status = sync.waitForExit(timeout: 15)
        let result = CLIResult(arguments: ["field", "sync"], status: status ?? -1, stdout: sync.stdout, stderr: sync.stderr)
        assertInWords(result, status: 4, saying: ["shutting down", "sync again"])
    }

    func testAnUnreachableCentralIsAnUnreachableCentral() throws {
        let (server, port) = try serve()
        let (laptop, _) = try enroll(port: port)
        server.send(signal: SIGTERM)
        XCTAssertEqual(server.waitForExit(timeout: 10), 0)
        assertInWords(try CLI.run(["field", "sync", "--data", laptop.path], timeout: 60), status: 4,
                      saying: ["cannot reach the central", "nothing was lost"])
    }
}
