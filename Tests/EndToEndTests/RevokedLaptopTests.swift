import FieldNode
import Foundation
import Glibc
import NoiseProtocol
import SQLiteKit
import Transport
import WireProtocol
import XCTest

/// A revoked laptop (SPEC §2.1), with real processes: told so by its central after the
/// handshake, it deletes every audit, evidence file and publication it holds, keeps its key and
/// says why from then on. Looked at in its files afterwards. Nothing else — a server without the
/// central's key saying the same, the central refusing for another reason — deletes anything.
final class RevokedLaptopTests: XCTestCase {
    private var scenario: SyncScenario!

    override func setUpWithError() throws {
        scenario = try SyncScenario(prefix: "auditsync-revoked", team: [("bob", "Bob Osei")])
    }

    override func tearDown() {
        scenario.stop()
        super.tearDown()
    }

    private func field(_ arguments: [String], _ laptop: URL) throws -> CLIResult {
        try CLI.run(["field"] + arguments + ["--data", laptop.path])
    }

    private func count(_ laptop: URL, _ sql: String) throws -> Int {
        let database = try Database(path: laptop.appending(path: FieldNode.databaseName).path)
        let query = try database.prepare(sql)
        defer { query.reset() }
        _ = try query.step()
        return query.int(0)
    }

    /// A laptop of bob's holding the audit, a finding with evidence, and the central's publications.
    private func bobsLaptop(port: UInt16) throws -> (URL, String) {
        let (bob, node) = try scenario.enroll("bob", port: port)
        XCTAssertEqual(try field(["sync"], bob).status, 0)
        let photo = scenario.scratch.appending("whiteboard.jpg")
        try Data("the risk register on the whiteboard".utf8).write(to: photo)
        XCTAssertEqual(try field(["evidence", "add", "--audit", scenario.audit, photo.path], bob).status, 0)
        XCTAssertEqual(try field(["sync"], bob).status, 0)
        XCTAssertGreaterThan(try count(bob, "SELECT count(*) FROM merge_log"), 0)
        XCTAssertGreaterThan(try count(bob, "SELECT count(*) FROM field_config WHERE name LIKE 'trust.%'"), 0)
        return (bob, node)
    }

    /// The `error:` line of a failed command (a sync prints its progress before it).
    private func errorLine(_ result: CLIResult, status: Int32, file: StaticString = #filePath, line: UInt = #line) -> String {
        XCTAssertEqual(result.status, status, "\(result)", file: file, line: line)
        XCTAssertEqual(result.stdout, "", file: file, line: line)
        return result.stderrLines.last { $0.hasPrefix("error: ") } ?? ""
    }

    private func evidenceFiles(_ laptop: URL) -> [String] {
        let blobs = laptop.appending(path: "blobs")
        return (FileManager.default.enumerator(atPath: blobs.path)?.allObjects as? [String] ?? [])
            .filter { !$0.hasSuffix("sha256") && $0.split(separator: "/").count > 2 }
    }

    func testARevokedLaptopDeletesEverythingOfTheBodyKeepsItsKeyAndSaysWhy() throws {
        let (server, port) = try scenario.serve()
        let (bob, node) = try bobsLaptop(port: port)
        XCTAssertEqual(evidenceFiles(bob).count, 1)
        let key = try Data(contentsOf: bob.appending(path: StaticKeyFile.relativePath))
        XCTAssertEqual(try CLI.run(["central", "node", "revoke", node, "--reason", "laptop stolen",
                                    "--data", scenario.data.path]).status, 0)

        let told = try field(["sync"], bob)
        let line = errorLine(told, status: 3)
        XCTAssertTrue(line.hasPrefix("error: this laptop was revoked at Sync Test Body (node \(node) was revoked on "), line)
        XCTAssertTrue(line.contains(": laptop stolen); its audits were deleted from it on "), line)
        XCTAssertTrue(line.hasSuffix("ask the certification body"), line)

        // Nothing of the certification body is left in its files.
        for table in ["merge_log", "field_state", "postponed_records", "pull_marks", "restamped"] {
            XCTAssertEqual(try count(bob, "SELECT count(*) FROM \(table)"), 0, table)
        }
        XCTAssertEqual(try count(bob, "SELECT count(*) FROM field_config WHERE name LIKE 'sync.%' OR name LIKE 'trust.%'"), 0)
        XCTAssertEqual(evidenceFiles(bob), [], "no evidence file")
        XCTAssertEqual(try Data(contentsOf: bob.appending(path: StaticKeyFile.relativePath)), key, "its own key is kept")

        // Every later command says so, without the central: it is not even asked again.
        server.send(signal: SIGTERM)
        _ = server.waitForExit(timeout: 10)
        for arguments in [["audits"], ["sync"], ["checklist", "--audit", scenario.audit]] {
            let again = errorLine(try field(arguments, bob), status: 3)
            XCTAssertTrue(again.contains("this laptop was revoked at Sync Test Body") && again.contains("laptop stolen"),
                          "\(arguments): \(again)")
        }
    }

    func testOnlyTheCentralsOwnRevocationAnswerDeletesAnything() throws {
        let (server, port) = try scenario.serve()
        let (bob, _) = try bobsLaptop(port: port)
        let records = try count(bob, "SELECT count(*) FROM merge_log")
        server.send(signal: SIGTERM)
        _ = server.waitForExit(timeout: 10)

        // Unreachable: nothing deleted.
        XCTAssertEqual(try field(["sync"], bob).status, 4)
        // A server at the central's address that says "revoked" without the central's key, and
        // the central's own key refusing for another reason: nothing deleted either.
        let loop = EventLoop(name: "impostor")
        defer { loop.shutdown() }
        let cases: [(StaticKeyPair, ChannelError.Code, String)] = [
            (StaticKeyPair.generate(), .revokedNode, "is not this laptop's central"),
            (try StaticKeyFile.load(in: scenario.data), .unknownNode, "does not know this laptop's key"),
        ]
        for (key, code, words) in cases {
            let configuration = SecureServer.Configuration(host: "127.0.0.1", port: port, staticKey: key,
                hello: Hello(versions: ProtocolVersion.supported, node: 0xBAD, role: .central, name: "impostor"))
            let refusing = Refusing(code)
            let (impostor, _) = try blockingWait {
                try await SecureServer.start(on: loop, configuration: configuration, handler: refusing, log: { _ in })
            }
            let answer = errorLine(try field(["sync"], bob), status: 3)
            XCTAssertTrue(answer.contains(words), answer)
            _ = try? blockingWait { await impostor.stop() }
            XCTAssertEqual(try count(bob, "SELECT count(*) FROM merge_log"), records, "\(code): nothing deleted")
            XCTAssertEqual(evidenceFiles(bob).count, 1, "\(code): the evidence stays")
            XCTAssertEqual(try field(["audits"], bob).status, 0)
        }
    }
}

/// Refuses every node after the handshake with one code (as a revoking central would).
private final class Refusing: SecureServerHandler, @unchecked Sendable {
    let code: ChannelError.Code
    init(_ code: ChannelError.Code) { self.code = code }
    func admit(_ peer: SecureSession.Peer, on connection: SecureConnection) -> ChannelError? {
        ChannelError(code, "node was revoked on 2026-01-01T00:00:00Z: says who")
    }
    func received(_ message: WireMessage, on connection: SecureConnection) {}
    func closed(_ connection: SecureConnection, reason: String) {}
}
