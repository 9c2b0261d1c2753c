import CentralNode
import Foundation
import Glibc
import NoiseProtocol
import TestSupport
import Transport
import WireProtocol
import XCTest

/// Which field nodes the serving central lets in: a key enrolled while it runs takes effect, an
/// unknown key is refused with a hint to enroll, and a hello naming another node than the key's
/// registration is refused as a key mismatch.
extension CentralServeTests {
    // MARK: Enrolled and refused nodes

    func testEnrollmentWhileServingTakesEffectAndThePingComesBackIdentical() async throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)
        let loop = EventLoop(name: "serve-test-client")
        defer { loop.shutdown() }
        let pinned = try centralKey(data)
        let key = StaticKeyPair.generate()

        // Before enrollment the key is unknown…
        let early = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: pinned))
        try await assertRefused(early, code: .unknownNode)

        // …and once registered (the server still running), it gets in.
        try enroll(key, as: Self.fieldNode, in: data)
        let client = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: pinned))
        XCTAssertEqual(client.peer?.staticKey, pinned)
        try await assertPingPong(client, payload: randomBytes(256 * 1024, seed: 0x5E12E))
        try await assertPingPong(client, payload: [])
        await client.close()

        XCTAssertNotNil(server.stderrLine(containing: "connected"), "the connection is logged\n\(server.transcript)")
        let connected = server.stderrLines.first { $0.contains("connected") } ?? ""
        XCTAssertTrue(connected.contains(String(Self.fieldNode, radix: 16)), "log names the node: \(connected)")
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        try assertDatabaseIntact(data)
        withExtendedLifetime(scratch) {}
    }

    func testUnknownKeyIsRefusedWithAnEnrollHintAndLogged() async throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)
        // Another node is enrolled: the table is not empty, the key is simply not in it.
        try enroll(.generate(), as: 0xABCD, in: data)
        let loop = EventLoop(name: "serve-test-client")
        defer { loop.shutdown() }

        let client = try await connect(loop, fieldConfiguration(port: port, key: .generate(), pinned: try centralKey(data)))
        let error = try await assertRefused(client, code: .unknownNode)
        let reason = error?.reason ?? ""
        XCTAssertTrue(reason.lowercased().contains("enroll"), "the reason tells the user to enroll: \(reason)")
        XCTAssertTrue(reason.contains(Self.centralName), "the reason names the central: \(reason)")

        let refused = server.stderrLine(containing: "refused")
        XCTAssertNotNil(refused, "a `refused` line on stderr\n\(server.transcript)")
        XCTAssertTrue(refused?.contains("127.0.0.1:") ?? false, "the refusal names the peer: \(refused ?? "")")
        XCTAssertTrue(server.isRunning, "one refusal does not stop the server")
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        withExtendedLifetime(scratch) {}
    }

    func testHelloNamingAnotherNodeThanTheKeysRegistrationIsRefusedWithKeyMismatch() async throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)
        let key = StaticKeyPair.generate()
        try enroll(key, as: Self.fieldNode, in: data)
        let loop = EventLoop(name: "serve-test-client")
        defer { loop.shutdown() }
        let pinned = try centralKey(data)

        let impostor = try await connect(loop, fieldConfiguration(port: port, key: key, node: Self.fieldNode + 1,
                                                                  pinned: pinned))
        let error = try await assertRefused(impostor, code: .keyMismatch)
        XCTAssertTrue(error?.reason.contains(Self.hex(Self.fieldNode)) ?? false,
                      "the reason names the node the key belongs to: \(error?.reason ?? "")")
        XCTAssertNotNil(server.stderrLine(containing: "refused"), "the refusal is logged\n\(server.transcript)")

        // The same key with its own id still gets in.
        let genuine = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: pinned))
        try await assertPingPong(genuine, payload: Array("still here".utf8))
        await genuine.close()
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        withExtendedLifetime(scratch) {}
    }
}

extension CentralServeTests {
    func testOneNodeCannotHoldMoreThanItsShareOfConnections() async throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)
        let loop = EventLoop(name: "serve-test-client")
        defer { loop.shutdown() }
        let pinned = try centralKey(data)
        let key = StaticKeyPair.generate()
        try enroll(key, as: Self.fieldNode, in: data)

        var open: [SecureClient] = []
        for _ in 0..<4 {
            let client = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: pinned))
            try await assertPingPong(client, payload: [1])
            open.append(client)
        }
        let fifth = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: pinned))
        let refusal = try await assertRefused(fifth, code: .busy)
        XCTAssertTrue(refusal?.reason.contains("already has 4 connections") ?? false, "\(String(describing: refusal))")

        // Closing one frees its place.
        await open.removeFirst().close()
        let configuration = fieldConfiguration(port: port, key: key, pinned: pinned)
        let again = try await within(10, "a connection after one closed") { () async throws -> Bool in
            // The server frees the place when its side of the close has run: retry until it has.
            while true {
                let client = try await SecureClient.connect(on: loop, configuration)
                do {
                    try await client.send(WireMessage(.ping, [2]))
                    let reply = try await client.receive()
                    if reply.type == .pong { await client.close(); return true }
                } catch {}
                await client.close()
                try await Task.sleep(nanoseconds: 20_000_000)
            }
        }
        XCTAssertTrue(again)
        for client in open { await client.close() }
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        withExtendedLifetime(scratch) {}
    }
}
