import CentralNode
import FieldNode
import NoiseProtocol
import Transport
import Foundation
import WireProtocol
import XCTest

/// Issue 9, item 6 (wire.md §8.4): an enrollment whose `enrolled` answer was lost is finished by
/// the same command with the same token — the same key and node id get the same answer — while
/// anyone else presenting the used token is still refused.
extension CentralServeTests {
    func testAnEnrollmentWhoseAnswerWasCutIsFinishedByTheSameToken() throws {
        let (scratch, data) = try makeCentral()
        XCTAssertEqual(try CLI.run(["central", "auditor", "add", "--id", "alice", "--name", "Alice Martin",
                                    "--data", data.path]).status, 0)
        let (server, port) = try startServer(data: data)
        // The link drops one byte into the central's first message after the handshake: the
        // central registered the key and answered `enrolled`, and the answer never arrived.
        let central = try Central(opening: data)
        let hello = Hello(versions: ProtocolVersion.supported, node: central.node.rawValue, role: .central, name: Self.centralName)
        let handshakeReply = 2 + 32 + (32 + 16) + (hello.encoded().count + 16)
        let proxy = try CuttingProxy(upstreamPort: port, cuts: [handshakeReply + 1, nil, nil])
        defer { proxy.stop() }
        let issued = try CLI.run(["central", "enroll", "--auditor", "alice", "--address", "127.0.0.1:\(proxy.port)", "--json",
                                  "--data", data.path])
        let token = try XCTUnwrap(try jsonObject(issued)["token"] as? String)
        let laptop = scratch.appending("alice")

        let lost = try CLI.run(["field", "init", "--token", token, "--data", laptop.path])
        XCTAssertTrue(assertFailure(lost, status: 4).contains("connection closed"), "\(lost)\n\(server.transcript)")
        XCTAssertEqual(try central.nodes().count, 1, "the central registered the key before its answer was lost")

        let retried = try CLI.run(["field", "init", "--token", token, "--json", "--data", laptop.path])
        XCTAssertEqual(retried.status, 0, "\(retried)\n\(server.transcript)")
        let id = try jsonObject(retried)["id"] as? String
        XCTAssertEqual(id, try central.nodes().first?.id, "the same node, enrolled once")
        XCTAssertEqual(try central.nodes().count, 1)

        // Another laptop (another key and node id) with the used token is refused, as before.
        let other = try CLI.run(["field", "init", "--token", token, "--data", scratch.appending("other").path])
        XCTAssertTrue(assertFailure(other, status: 3).contains("already used"), "\(other)")
        XCTAssertEqual(try CLI.run(["field", "sync", "--data", laptop.path]).status, 0, "the enrolled laptop syncs")
        withExtendedLifetime(scratch) {}
    }
}

extension CentralServeTests {
    /// A node that comes to enroll under the central's own node id would have its records read
    /// as the central's: refused before it may send `enroll`.
    func testANodeCannotEnrollUnderTheCentralsOwnID() async throws {
        let (scratch, data) = try makeCentral()
        let (_, port) = try startServer(data: data)
        let central = try Central(opening: data).node
        let loop = EventLoop(name: "impostor")
        defer { loop.shutdown() }
        var configuration = fieldConfiguration(port: port, key: StaticKeyPair.generate(), node: central.rawValue,
                                               pinned: try centralKey(data))
        configuration.hello = Hello(versions: ProtocolVersion.supported, node: central.rawValue, role: .enrolling, name: "impostor")
        let client = try await connect(loop, configuration)
        let error = try await assertRefused(client, code: .enrollmentRefused)
        XCTAssertTrue(error?.reason.contains("the central's own") ?? false, "\(String(describing: error))")
        withExtendedLifetime(scratch) {}
    }
}
