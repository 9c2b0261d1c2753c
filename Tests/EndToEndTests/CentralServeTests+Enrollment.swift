import CentralNode
import FieldNode
import Foundation
import Glibc
import NoiseProtocol
import Transport
import WireProtocol
import XCTest

/// Enrollment and revocation end to end: `central enroll` and `field init` as real processes
/// against a running `central serve`, then the enrolled node's key on the wire, then
/// `central node revoke` cutting it off while connected.
extension CentralServeTests {
    private func addAlice(_ data: URL) throws {
        let result = try CLI.run(["central", "auditor", "add", "--id", "alice", "--name", "Alice Martin", "--data", data.path])
        XCTAssertEqual(result.status, 0, "\(result)")
    }

    private func issueToken(_ data: URL, port: UInt16, extra: [String] = []) throws -> String {
        let result = try CLI.run(["central", "enroll", "--auditor", "alice", "--address", "127.0.0.1:\(port)",
                                  "--json", "--data", data.path] + extra)
        XCTAssertEqual(result.status, 0, "\(result)")
        return try XCTUnwrap(try jsonObject(result)["token"] as? String)
    }

    func testAFieldNodeEnrollsOnceWithItsTokenAndIsListed() throws {
        let (scratch, data) = try makeCentral()
        try addAlice(data)
        let (server, port) = try startServer(data: data)
        let token = try issueToken(data, port: port)
        let field = scratch.appending("field")

        let enrolled = try CLI.run(["field", "init", "--token", token, "--name", "alice-laptop", "--json", "--data", field.path])
        XCTAssertEqual(enrolled.status, 0, "\(enrolled)\n\(server.transcript)")
        let answer = try jsonObject(enrolled)
        let id = try XCTUnwrap(answer["id"] as? String)
        XCTAssertEqual(answer["auditor"] as? String, "alice")
        XCTAssertEqual(answer["central"] as? String, Self.centralName)
        XCTAssertTrue(id.matches("[0-9a-f]{16}"), id)

        // The central lists the node under the id the field printed, with its device name.
        let listed = try jsonObject(try CLI.run(["central", "node", "list", "--json", "--data", data.path]))
        let nodes = try XCTUnwrap(listed["nodes"] as? [[String: Any]])
        XCTAssertEqual(nodes.count, 1)
        XCTAssertEqual(nodes.first?["id"] as? String, id)
        XCTAssertEqual(nodes.first?["device"] as? String, "alice-laptop")
        XCTAssertEqual(nodes.first?["key"] as? String,
                       try StaticKeyFile.loadOrCreate(in: field).publicKey.map { String(format: "%02x", $0) }.joined())
        XCTAssertNotNil(server.stderrLine(containing: "enrolled node \(id)"), server.transcript)

        // The same token from another laptop is refused with the central's reason; the same
        // directory cannot enroll twice.
        let second = try CLI.run(["field", "init", "--token", token, "--data", scratch.appending("other").path])
        XCTAssertEqual(second.status, 3, "a refusal by the central")
        XCTAssertTrue(second.stderr.hasPrefix("error: the central refused the enrollment: this enrollment token was already used"),
                      second.stderr)
        let again = try CLI.run(["field", "init", "--token", token, "--data", field.path])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("already enrolled as node \(id)"), again.stderr)

        let after = try jsonObject(try CLI.run(["central", "node", "list", "--json", "--data", data.path]))
        XCTAssertEqual((after["nodes"] as? [[String: Any]])?.count, 1, "refused attempts register nothing")
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        try assertDatabaseIntact(data)
        withExtendedLifetime(scratch) {}
    }

    func testBadTokensAreRefusedBeforeAnythingIsSentOrCreated() throws {
        let (scratch, data) = try makeCentral()
        try addAlice(data)
        let token = try issueToken(data, port: 9)
        let field = scratch.appending("field")
        var damaged = Array(token)
        damaged[damaged.count / 2] = damaged[damaged.count / 2] == "A" ? "B" : "A"
        for (text, reason) in [(String(damaged), "damaged"), ("hello", "not an AuditSync enrollment token"),
                               (token + "!", "characters a token never has")] {
            let result = try CLI.run(["field", "init", "--token", text, "--data", field.path])
            XCTAssertEqual(result.status, 2, "\(result)")
            XCTAssertTrue(result.stderr.hasPrefix("error: ") && result.stderr.contains(reason), result.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: field.path), "nothing is created for a bad token")
        withExtendedLifetime(scratch) {}
    }

    func testAnUnreachableCentralOrAnotherCentralsKeyIsAClearError() throws {
        let (scratch, data) = try makeCentral()
        try addAlice(data)
        // Nobody listens on the port the token names.
        let closedPort = try RawSocket.unusedPort()
        let unreachable = try CLI.run(["field", "init", "--token", try issueToken(data, port: closedPort),
                                       "--data", scratch.appending("a").path])
        XCTAssertEqual(unreachable.status, 4, "unreachable")
        XCTAssertTrue(unreachable.stderr.contains("cannot connect to 127.0.0.1:\(closedPort)"), unreachable.stderr)

        // Another central answers at the address: its key is not the pinned one.
        let (otherScratch, otherData) = try makeCentral()
        let (other, otherPort) = try startServer(data: otherData)
        let impostor = try CLI.run(["field", "init", "--token", try issueToken(data, port: otherPort),
                                    "--data", scratch.appending("b").path])
        XCTAssertEqual(impostor.status, 3, "refused by this laptop: something must change")
        XCTAssertTrue(impostor.stderr.contains("pinned"), impostor.stderr)
        XCTAssertEqual(try Central(opening: otherData).nodes().count, 0)
        XCTAssertEqual(try Central(opening: data).nodes().count, 0)
        other.kill()
        withExtendedLifetime((scratch, otherScratch)) {}
    }

    func testRevokingANodeCutsItsOpenConnectionAtOnce() async throws {
        let (scratch, data) = try makeCentral()
        try addAlice(data)
        let (server, port) = try startServer(data: data)
        let field = scratch.appending("field")
        let enrolled = try CLI.run(["field", "init", "--token", try issueToken(data, port: port), "--json", "--data", field.path])
        let id = try XCTUnwrap(try jsonObject(enrolled)["id"] as? String)

        // The enrolled laptop's own key and id get the full protocol.
        let loop = EventLoop(name: "revocation-test")
        defer { loop.shutdown() }
        let key = try StaticKeyFile.loadOrCreate(in: field)
        let client = try await connect(loop, fieldConfiguration(port: port, key: key, node: UInt64(id, radix: 16)!,
                                                                pinned: try centralKey(data)))
        try await assertPingPong(client, payload: [1, 2, 3])

        let started = Date()
        let revoked = try CLI.run(["central", "node", "revoke", id, "--reason", "laptop stolen", "--data", data.path])
        XCTAssertEqual(revoked.status, 0, "\(revoked)")
        let error = try await assertRefused(client, code: .revokedNode)
        XCTAssertTrue(error?.reason.contains("laptop stolen") ?? false, "\(String(describing: error))")
        XCTAssertLessThan(Date().timeIntervalSince(started), 3, "cut within the server's polling interval")
        await client.close()

        // And it cannot come back.
        let retry = try await connect(loop, fieldConfiguration(port: port, key: key, node: UInt64(id, radix: 16)!,
                                                               pinned: try centralKey(data)))
        try await assertRefused(retry, code: .revokedNode)
        await retry.close()
        assertStopsCleanly(server, signal: SIGINT, name: "SIGINT")
        withExtendedLifetime(scratch) {}
    }
}

/// Enrolling connections that misbehave.
extension CentralServeTests {
    func testAnEnrollingNodeGetsOneMessageAndAPendingOneDoesNotHoldUpAStop() async throws {
        let (scratch, data) = try makeCentral()
        try addAlice(data)
        let (server, port) = try startServer(data: data)
        let loop = EventLoop(name: "enrolling-test")
        defer { loop.shutdown() }
        func enrolling(node: UInt64) -> SecureClient.Configuration {
            SecureClient.Configuration(host: "127.0.0.1", port: port, staticKey: StaticKeyPair.generate(),
                                       hello: Hello(versions: ProtocolVersion.supported, node: node, role: .enrolling, name: "new laptop"),
                                       pinnedServerKey: nil)
        }
        // Anything but `enroll` first is refused.
        let pinger = try await connect(loop, enrolling(node: 0x71))
        try await pinger.send(WireMessage(.ping, [1]))
        try await assertRefused(pinger, code: .malformedMessage)
        // Node id 0 is refused at admission.
        try await assertRefused(try await connect(loop, enrolling(node: 0)), code: .malformedMessage)
        // A malformed `enroll` is refused; nothing is registered.
        let garbled = try await connect(loop, enrolling(node: 0x72))
        try await garbled.send(WireMessage(.enroll, [1, 2, 3]))
        try await assertRefused(garbled, code: .malformedMessage)
        XCTAssertEqual(try Central(opening: data).nodes().count, 0)
        // One that says nothing is still waiting when the server is stopped: the stop is clean.
        let silent = try await connect(loop, enrolling(node: 0x73))
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        await silent.close()
        try assertDatabaseIntact(data)
        withExtendedLifetime(scratch) {}
    }
}

/// The enrollment commands' own errors, without a server.
extension CentralServeTests {
    func testEnrollmentCommandsSayWhatIsWrong() throws {
        let (scratch, data) = try makeCentral()   // listens on port 0: a token cannot name that
        let unknownAuditor = try CLI.run(["central", "enroll", "--auditor", "bob", "--address", "h:7420", "--data", data.path])
        XCTAssertEqual(unknownAuditor.status, 1)
        XCTAssertTrue(unknownAuditor.stderr.hasPrefix("error: no auditor bob"), unknownAuditor.stderr)
        try addAliceAuditor(data)
        let portZero = try CLI.run(["central", "enroll", "--auditor", "alice", "--data", data.path])
        XCTAssertEqual(portZero.status, 1)
        XCTAssertTrue(portZero.stderr.contains("pass --address HOST:PORT"), portZero.stderr)
        for bad in [["--valid-hours", "0"], ["--address", "nohost"], ["--valid-hours", "x"]] {
            let result = try CLI.run(["central", "enroll", "--auditor", "alice", "--data", data.path] + bad)
            XCTAssertEqual(result.status, 2, "\(bad): \(result)")
        }
        let empty = try CLI.run(["central", "node", "list", "--data", data.path])
        XCTAssertEqual(empty.status, 0)
        XCTAssertTrue(empty.stdout.hasPrefix("no field nodes enrolled"), empty.stdout)
        let unknownNode = try CLI.run(["central", "node", "revoke", "0123456789abcdef", "--data", data.path])
        XCTAssertEqual(unknownNode.status, 1)
        XCTAssertTrue(unknownNode.stderr.hasPrefix("error: no node 0123456789abcdef"), unknownNode.stderr)
        let noFieldNode = try CLI.run(["field", "init", "--token", "x", "--data", data.path])
        XCTAssertEqual(noFieldNode.status, 2, "a bad token is bad usage before the directory is looked at")
        withExtendedLifetime(scratch) {}
    }

    private func addAliceAuditor(_ data: URL) throws {
        XCTAssertEqual(try CLI.run(["central", "auditor", "add", "--id", "alice", "--name", "Alice", "--data", data.path]).status, 0)
    }
}
