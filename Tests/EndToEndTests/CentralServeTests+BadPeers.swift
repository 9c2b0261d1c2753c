import CentralNode
import Foundation
import Glibc
import NoiseProtocol
import TestSupport
import Transport
import WireProtocol
import XCTest

/// Peers that send garbage instead of a handshake are closed with a logged reason, while enrolled
/// nodes connected before and after are served.
extension CentralServeTests {
    // MARK: Bad peers

    func testGarbageOnRawSocketsDoesNotDisturbOtherClients() async throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)
        let key = StaticKeyPair.generate()
        try enroll(key, as: Self.fieldNode, in: data)
        let pinned = try centralKey(data)
        let loop = EventLoop(name: "serve-test-client")
        defer { loop.shutdown() }

        // A node connected before the garbage arrives.
        let before = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: pinned))
        try await assertPingPong(before, payload: Array("first".utf8))

        // An empty frame: a framing error at once.
        let empty = try RawSocket(port: port)
        try empty.send([0, 0, 1, 2, 3])
        // A plausible message 1, then a message 3 of random bytes: a bad MAC.
        let badMAC = try RawSocket(port: port)
        try badMAC.send([0, 32] + randomBytes(32, seed: 1) + [0, 64] + randomBytes(64, seed: 2))
        // Random bytes in bulk.
        let noise = try RawSocket(port: port)
        try noise.send(randomBytes(100_000, seed: 3))
        // Half a frame, then silence: it stays open until the handshake timeout.
        let stalled = try RawSocket(port: port)
        try stalled.send(Array("GET / HTTP/1.1\r\nHost: central\r\n\r\n".utf8))

        XCTAssertTrue(empty.waitUntilClosedByPeer(timeout: 5), "the empty-frame connection is closed")
        XCTAssertTrue(badMAC.waitUntilClosedByPeer(timeout: 5), "the bad-MAC connection is closed")
        XCTAssertTrue(noise.waitUntilClosedByPeer(timeout: 5), "the random-bytes connection is closed")

        // The node connected before, and a new one, are served while the stalled peer waits.
        try await assertPingPong(before, payload: randomBytes(256 * 1024, seed: 4))
        let after = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: pinned))
        try await assertPingPong(after, payload: randomBytes(256 * 1024, seed: 5))
        await before.close()
        await after.close()

        // Each closed garbage connection is logged with its reason.
        for (socket, what) in [(empty, "empty frame"), (badMAC, "bad MAC"), (noise, "random bytes")] {
            let peer = "127.0.0.1:\(socket.localPort)"
            let logged = server.stderrLine(containing: "closed \(peer)", timeout: 5)
            XCTAssertNotNil(logged, "the \(what) connection's close is logged\n\(server.transcript)")
            if let logged {
                let reason = logged.components(separatedBy: "closed \(peer)").last ?? ""
                XCTAssertTrue(reason.count > 2, "with a reason: \(logged)")
            }
        }
        stalled.close()
        empty.close()
        badMAC.close()
        noise.close()
        XCTAssertTrue(server.isRunning, "garbage does not stop the server\n\(server.transcript)")
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        try assertDatabaseIntact(data)
        withExtendedLifetime(scratch) {}
    }
}
