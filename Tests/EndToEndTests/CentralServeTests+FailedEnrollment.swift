import CentralNode
import FieldNode
import Foundation
import NoiseProtocol
import Transport
import WireProtocol
import XCTest

/// `field init` that fails leaves no half-made data directory where there was none (or only an
/// empty one), so the same command with a good token works; it never removes anything from a
/// directory that held something, nor a key the central may have registered.
extension CentralServeTests {
    private func tokenForAlice(_ data: URL, port: UInt16) throws -> String {
        if try Central(opening: data).auditor("alice") == nil {
            XCTAssertEqual(try CLI.run(["central", "auditor", "add", "--id", "alice", "--name", "Alice Martin",
                                        "--data", data.path]).status, 0)
        }
        let result = try CLI.run(["central", "enroll", "--auditor", "alice", "--address", "127.0.0.1:\(port)", "--json",
                                  "--data", data.path])
        return try XCTUnwrap(try jsonObject(result)["token"] as? String, "\(result)")
    }

    private func contents(_ directory: URL) -> [String]? {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.sorted()
    }

    func testAFailedEnrollmentRemovesWhatItCreatedAndTheSameCommandThenWorks() throws {
        let (scratch, data) = try makeCentral()
        let (_, port) = try startServer(data: data)
        let used = try tokenForAlice(data, port: port)
        XCTAssertEqual(try CLI.run(["field", "init", "--token", used, "--data", scratch.appending("first").path]).status, 0)

        // A directory that did not exist, nor its parent: the refusal leaves neither.
        let laptop = scratch.appending("laptops/alice")
        let refused = try CLI.run(["field", "init", "--token", used, "--data", laptop.path])
        XCTAssertTrue(assertFailure(refused, status: 3).contains("already used"), "\(refused)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appending("laptops").path), "\((try? scratch.entries()) ?? [])")

        // An empty directory that existed stays, empty.
        let empty = scratch.appending("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        assertFailure(try CLI.run(["field", "init", "--token", used, "--data", empty.path]), status: 3)
        XCTAssertEqual(contents(empty), [])

        // A directory that held anything keeps all of it.
        let busy = scratch.appending("busy")
        try FileManager.default.createDirectory(at: busy, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: busy.appending(path: "notes.txt"))
        assertFailure(try CLI.run(["field", "init", "--token", used, "--data", busy.path]), status: 3)
        XCTAssertTrue(contents(busy)?.contains("notes.txt") == true, "\(contents(busy) ?? [])")
        XCTAssertEqual(try Data(contentsOf: busy.appending(path: "notes.txt")), Data("mine".utf8))

        // Nobody listening: nothing was sent, so nothing can have been registered.
        let unreachable = try tokenForAlice(data, port: try RawSocket.unusedPort())
        assertFailure(try CLI.run(["field", "init", "--token", unreachable, "--data", laptop.path]), status: 4)
        XCTAssertFalse(FileManager.default.fileExists(atPath: laptop.path))

        let good = try tokenForAlice(data, port: port)
        let enrolled = try CLI.run(["field", "init", "--token", good, "--data", laptop.path])
        XCTAssertEqual(enrolled.status, 0, "\(enrolled)")
        XCTAssertEqual(try Central(opening: data).nodes().count, 2)
    }

    func testAnEnrollmentWhoseAnswerWasLostKeepsTheKeyForARetry() throws {
        // A central that takes `enroll` and closes without answering: it may have registered
        // the key, so the laptop must keep it (and its id) to finish with the same token.
        let loop = EventLoop(name: "lost-answer")
        defer { loop.shutdown() }
        let key = StaticKeyPair.generate()
        let (server, address) = try blockingWait {
            try await SecureServer.start(
                on: loop,
                configuration: SecureServer.Configuration(host: "127.0.0.1", port: 0, staticKey: key,
                    hello: Hello(versions: ProtocolVersion.supported, node: 0xC0FFEE, role: .central, name: "silent central")),
                handler: SilentCentral(), log: { _ in })
        }
        defer { _ = try? blockingWait { await server.stop() } }
        let port = try XCTUnwrap(address.split(separator: ":").last.flatMap { UInt16($0) })
        let token = EnrollmentToken(host: "127.0.0.1", port: port, centralKey: key.publicKey,
                                    secret: [UInt8](repeating: 7, count: 32)).text
        let scratch = try ScratchDirectory(prefix: "auditsync-lost-answer")
        let laptop = scratch.appending("alice")

        let lost = try CLI.run(["field", "init", "--token", token, "--data", laptop.path])
        XCTAssertTrue(assertFailure(lost, status: 4).contains("connection closed"), "\(lost)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: laptop.appending(path: FieldNode.databaseName).path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: laptop.appending(path: StaticKeyFile.relativePath).path))
    }
}

/// Admits a node come to enroll, then closes at its `enroll` without a word.
private final class SilentCentral: SecureServerHandler, @unchecked Sendable {
    func admit(_ peer: SecureSession.Peer, on connection: SecureConnection) -> ChannelError? { nil }
    func received(_ message: WireMessage, on connection: SecureConnection) { connection.close(reason: "no answer") }
    func closed(_ connection: SecureConnection, reason: String) {}
}
