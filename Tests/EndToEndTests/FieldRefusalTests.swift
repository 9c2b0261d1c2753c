import CentralNode
import Foundation
import Glibc
import ReplicaStore
import XCTest

/// Every refusal reaches the auditor in words, with its own exit status: revoked, not known to
/// the central, the central shutting down, the central unreachable.
final class FieldRefusalTests: XCTestCase {
    private var scenario: SyncScenario!
    private var data: URL { scenario.data }

    override func setUpWithError() throws {
        scenario = try SyncScenario(prefix: "auditsync-refusal")
    }

    override func tearDown() {
        scenario.stop()
        super.tearDown()
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
        let (_, port) = try scenario.serve()
        let (laptop, node) = try scenario.enroll("alice", port: port)
        XCTAssertEqual(try CLI.run(["field", "sync", "--data", laptop.path], timeout: 60).status, 0)
        XCTAssertEqual(try CLI.run(["central", "node", "revoke", node, "--data", data.path]).status, 0)
        assertInWords(try CLI.run(["field", "sync", "--data", laptop.path], timeout: 60), status: 3, saying: ["revoked"])
    }

    func testALaptopTheCentralDoesNotKnowIsToldHowToEnrollAgain() throws {
        let backup = scenario.scratch.appending("before-enrollment.tar")
        XCTAssertEqual(try CLI.run(["central", "backup", "--out", backup.path, "--data", data.path]).status, 0)
        var (server, port) = try scenario.serve()
        let (laptop, _) = try scenario.enroll("alice", port: port)
        server.send(signal: SIGTERM)
        XCTAssertEqual(server.waitForExit(timeout: 10), 0)
        XCTAssertEqual(try CLI.run(["central", "restore", "--from", backup.path, "--replace", "--data", data.path]).status, 0)
        (server, port) = try scenario.serve(port: port)
        assertInWords(try CLI.run(["field", "sync", "--data", laptop.path], timeout: 60), status: 3,
                      saying: ["does not know this laptop's key", "field init --token"])
    }

    func testACentralThatStopsMidSyncSaysSoAndTheLaptopMayTryAgainLater() throws {
        let central = try Central(opening: data)
        for batch in 0..<30 {
            try central.store.write((0..<1000).map { FieldWrite("note", "A-2026-0001/N-\(batch)-\($0)", "text", .text("n")) })
        }
        let (server, port) = try scenario.serve()
        let (laptop, _) = try scenario.enroll("alice", port: port)
        let sync = try scenario.start(["field", "sync", "--data", laptop.path])
        XCTAssertNotNil(sync.stderrLine(containing: "received", timeout: 30), sync.transcript)
        server.send(signal: SIGTERM)
        XCTAssertEqual(server.waitForExit(timeout: 10), 0, server.transcript)
        let status = sync.waitForExit(timeout: 15)
        let result = CLIResult(arguments: ["field", "sync"], status: status ?? -1, stdout: sync.stdout, stderr: sync.stderr)
        assertInWords(result, status: 4, saying: ["shutting down", "sync again"])
    }

    func testAnUnreachableCentralIsAnUnreachableCentral() throws {
        let (server, port) = try scenario.serve()
        let (laptop, _) = try scenario.enroll("alice", port: port)
        server.send(signal: SIGTERM)
        XCTAssertEqual(server.waitForExit(timeout: 10), 0)
        assertInWords(try CLI.run(["field", "sync", "--data", laptop.path], timeout: 60), status: 4,
                      saying: ["cannot reach the central", "nothing was lost"])
    }
}
