import Foundation
import NoiseProtocol
import TestSupport
@testable import WireProtocol
import XCTest

@testable import Transport

/// Real libuv TCP on loopback, the full encrypted protocol, one behaviour per test.
final class SecureServerTests: XCTestCase {
    private var clientLoop: EventLoop!

    override func setUp() {
        clientLoop = EventLoop(name: "test-clients")
    }

    override func tearDown() {
        clientLoop.shutdown()
        clientLoop = nil
    }

    private static func payload(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        var bytes = [UInt8](repeating: 0, count: count)
        for index in stride(from: 0, to: count, by: 8) {
            var word = random.next()
            for offset in index..<min(index + 8, count) {
                bytes[offset] = UInt8(truncatingIfNeeded: word)
                word >>= 8
            }
        }
        return bytes
    }

    func testAClientCompletesTheHandshakeAndLearnsTheServer() async throws {
        let fixture = try await ServerFixture()
        let client = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration())
        XCTAssertEqual(client.peer?.staticKey, fixture.serverKey.publicKey)
        XCTAssertEqual(client.peer?.hello.name, "test central")
        XCTAssertEqual(client.peer?.version, ProtocolVersion.current)
        try await client.send(WireMessage(.ping, [1, 2, 3]))
        let reply = try await client.receive()
        XCTAssertEqual(reply, WireMessage(.pong, [1, 2, 3]))
        await client.close()
        await fixture.stop()
    }

    func testTwoHundredConcurrentClientsEachExchangeAMebibyteBothWays() async throws {
        let fixture = try await ServerFixture()
        let mebibyte = 1 << 20
        let loop = clientLoop!
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let client = try await SecureClient.connect(on: loop, fixture.clientConfiguration())
                    let sent = SecureServerTests.payload(mebibyte, seed: UInt64(index + 1))
                    try await client.send(WireMessage(.ping, sent))
                    let reply = try await client.receive()
                    XCTAssertEqual(reply.type, .pong, "client \(index)")
                    XCTAssertEqual(reply.payload.count, mebibyte, "client \(index)")
                    XCTAssertTrue(reply.payload == sent, "client \(index): the echoed mebibyte differs")
                    await client.close()
                }
            }
            try await group.waitForAll()
        }
        await fixture.stop()
    }

    func testAnUnknownStaticKeyIsRefusedWithAReasonOnTheChannel() async throws {
        let fixture = try await ServerFixture()
        let stranger = StaticKeyPair.generate()
        let client = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration(key: stranger))
        let message = try await client.receive()
        XCTAssertEqual(message.type, .error)
        XCTAssertEqual(try ChannelError(payload: message.payload).code, .unknownNode)
        do {
            _ = try await client.receive()
            XCTFail("the connection stayed open")
        } catch is ChannelClosed {}
        XCTAssertNotNil(fixture.handler.waitForClose { $0.contains("unknownNode") })
        XCTAssertTrue(fixture.logLines.all.contains { $0.hasPrefix("refused") && $0.contains("not enrolled here") })
        await fixture.stop()
    }

    func testAClientRefusesACentralWhoseKeyIsNotThePinnedOne() async throws {
        let fixture = try await ServerFixture()
        let impostorPin = StaticKeyPair.generate().publicKey
        do {
            _ = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration(pinned: impostorPin))
            XCTFail("connected to a central with another key")
        } catch let closed as ChannelClosed {
            XCTAssertTrue(closed.reason.contains("pinned"), closed.reason)
        }
        await fixture.stop()
    }

    func testAnUnsupportedVersionIsRefusedWithAnExplanation() async throws {
        let fixture = try await ServerFixture()
        do {
            _ = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration(versions: [99]))
            XCTFail("a node speaking only version 99 was connected")
        } catch let closed as ChannelClosed {
            XCTAssertTrue(closed.reason.contains("unsupportedVersion") && closed.reason.contains("upgrade"), closed.reason)
        }
        XCTAssertNotNil(fixture.handler.waitForClose { $0.contains("unsupportedVersion") })
        await fixture.stop()
    }

    func testAStalledHandshakeTimesOutWhileOthersCarryOn() async throws {
        var limits = SecureConnection.Limits()
        limits.handshakeTimeoutMilliseconds = 300
        let fixture = try await ServerFixture(limits: limits)
        let stalled = try RawSocket(port: fixture.port)
        var session = try SecureSession(role: .initiator, staticKey: fixture.clientKey,
                                        hello: Hello(versions: [1], node: 1, role: .field, name: "stalled"))
        stalled.send(try session.start())   // message 1, then silence
        let silent = try RawSocket(port: fixture.port)   // not even message 1
        let client = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration())
        try await client.send(WireMessage(.ping, [7]))
        let pong = try await client.receive()
        XCTAssertEqual(pong.payload, [7])
        XCTAssertTrue(stalled.waitForClose())
        XCTAssertTrue(silent.waitForClose())
        XCTAssertNotNil(fixture.handler.waitForClose { $0.contains("handshake not finished") })
        try await client.send(WireMessage(.ping, [8]))
        let second = try await client.receive()
        XCTAssertEqual(second.payload, [8], "the well-behaved client was affected")
        await client.close()
        await fixture.stop()
    }

    func testAnIdlePeerIsToldAndClosed() async throws {
        var limits = SecureConnection.Limits()
        limits.idleTimeoutMilliseconds = 300
        let fixture = try await ServerFixture(limits: limits)
        let client = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration())
        try await client.send(WireMessage(.ping, [1]))
        _ = try await client.receive()
        let notice = try await client.receive()
        XCTAssertEqual(try ChannelError(payload: notice.payload).code, .timeout)
        await fixture.stop()
    }

    func testALongUploadIsNotIdleWhileThePeerReadsIt() async throws {
        let fixture = try await ServerFixture()
        var configuration = fixture.clientConfiguration()
        configuration.limits.idleTimeoutMilliseconds = 300
        let client = try await SecureClient.connect(on: clientLoop, configuration)
        // 1.2 s of sending to a server that answers nothing (it ignores pongs): the client
        // receives nothing for four idle periods, but the server keeps taking its bytes.
        let chunk = WireMessage(.pong, [UInt8](repeating: 0x33, count: 64 << 10))
        for _ in 0..<30 {
            try await client.send(chunk)
            try await Task.sleep(nanoseconds: 40_000_000)
        }
        try await client.send(WireMessage(.ping, [9]))
        let pong = try await client.receive()
        XCTAssertEqual(pong.payload, [9])
        // Once nothing moves either way, the client's clock runs out as before.
        do {
            let message = try await client.receive()
            XCTFail("expected the idle client to close, got \(message)")
        } catch let closed as ChannelClosed {
            XCTAssertTrue(closed.reason.contains("nothing received or sent for 300 ms"), closed.reason)
        }
        await client.close()
        XCTAssertTrue(fixture.handler.closeReasons.allSatisfy { !$0.contains("timeout") })
        await fixture.stop()
    }

    func testAClientThatNeverReadsCannotGrowTheServersMemory() async throws {
        var limits = SecureConnection.Limits()
        limits.writeHighWaterMark = 256 << 10
        let fixture = try await ServerFixture(limits: limits)
        // A raw client that sends ping after ping and never reads a pong.
        var greedy = try RawSessionClient(port: fixture.port, key: fixture.clientKey)
        _ = try greedy.handshake()
        let ping = try greedy.session.seal(WireMessage(.ping, [UInt8](repeating: 0xAB, count: 60_000)))
        let socket = greedy.socket
        let sender = Thread {
            // 120 MB offered; blocks once the server stops reading, fails once it closes.
            for _ in 0..<2_000 { socket.send(ping) }
        }
        sender.start()
        try await Task.sleep(nanoseconds: 1_500_000_000)
        // Meanwhile another client is served normally.
        let client = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration())
        try await client.send(WireMessage(.ping, [42]))
        let pong = try await client.receive()
        XCTAssertEqual(pong.payload, [42])
        // The server queued at most its high-water mark plus one reply for the greedy peer.
        XCTAssertLessThanOrEqual(fixture.handler.peakPendingWriteBytes, limits.writeHighWaterMark + 60_100)
        XCTAssertGreaterThan(fixture.handler.peakPendingWriteBytes, 0)
        await client.close()
        await fixture.stop()
    }

    func testTheConnectionLimitRefusesTheExtraConnection() async throws {
        let fixture = try await ServerFixture(maxConnections: 2)
        let first = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration())
        let second = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration())
        do {
            _ = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration())
            XCTFail("a third connection got through a limit of two")
        } catch {}
        XCTAssertTrue(fixture.logLines.all.contains { $0.contains("2 connections already open") })
        await first.close()
        await second.close()
        await fixture.stop()
    }

    func testStoppingTellsConnectedPeersAndClosesEveryHandle() async throws {
        let fixture = try await ServerFixture()
        let client = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration())
        await fixture.stop()   // shuts the loop down: uv_loop_close must succeed (it preconditions so)
        let notice = try await client.receive()
        XCTAssertEqual(try ChannelError(payload: notice.payload).code, .shuttingDown)
    }
}
