import Foundation
import NoiseProtocol
import TestSupport
@testable import WireProtocol
import XCTest

@testable import Transport

/// Each kind of bad input closes that connection with a logged reason, while a well-behaved
/// client on the same server keeps working.
final class BadInputTests: XCTestCase {
    private var clientLoop: EventLoop!
    private var fixture: ServerFixture!
    private var bystander: SecureClient!

    override func setUp() async throws {
        clientLoop = EventLoop(name: "test-clients")
        var limits = SecureConnection.Limits()
        limits.handshakeTimeoutMilliseconds = 500
        fixture = try await ServerFixture(limits: limits)
        bystander = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration())
    }

    override func tearDown() async throws {
        // The bystander still works after whatever the test threw at the server.
        try await bystander.send(WireMessage(.ping, [9, 9]))
        let pong = try await bystander.receive()
        XCTAssertEqual(pong, WireMessage(.pong, [9, 9]))
        await bystander.close()
        await fixture.stop()
        clientLoop.shutdown()
    }

    private func assertClosed(_ socket: RawSocket, because fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(socket.waitForClose(), "the server kept the connection open", file: file, line: line)
        XCTAssertNotNil(fixture.handler.waitForClose { $0.contains(fragment) },
                        "no close reason mentioning '\(fragment)' in \(fixture.handler.closeReasons)", file: file, line: line)
    }

    func testRandomBytesCloseTheConnection() throws {
        var random = SplitMix64(seed: 0xBAD)
        let sockets = try (0..<20).map { _ in try RawSocket(port: fixture.port) }
        for socket in sockets {
            socket.send((0..<(1 + Int(random.next() % 3000))).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
        // Whatever the bytes claim — a short frame, a long one never completed, a message 1
        // with a payload — each connection ends: refused at once or at the handshake timeout.
        for socket in sockets { XCTAssertTrue(socket.waitForClose()) }
        // The peer sees the close before the server's close callback has run: wait for those too.
        XCTAssertGreaterThanOrEqual(fixture.handler.waitForCloses(20), 20)
    }

    func testAZeroLengthFrameClosesTheConnection() throws {
        let socket = try RawSocket(port: fixture.port)
        socket.send([0, 0])
        assertClosed(socket, because: "length 0")
    }

    func testATruncatedHandshakeMessageFollowedByEndOfStreamClosesCleanly() throws {
        let socket = try RawSocket(port: fixture.port)
        socket.send([0x00, 0x20] + [UInt8](repeating: 1, count: 10))   // claims 32 bytes, sends 10
        shutdown(socket.descriptor, Int32(SHUT_WR))
        assertClosed(socket, because: "closed by the peer")
    }

    func testAHandshakeMessageTooShortForAKeyIsRefused() throws {
        let socket = try RawSocket(port: fixture.port)
        socket.send([0x00, 0x05, 1, 2, 3, 4, 5])
        assertClosed(socket, because: "secure channel")
    }

    func testAnOversizedMessageLengthClosesTheConnection() throws {
        var client = try RawSessionClient(port: fixture.port, key: fixture.clientKey)
        _ = try client.handshake()
        // A message header claiming 4 GiB, sealed properly: the decoder refuses it from the header.
        var header = WireMessage(.ping, []).encoded()
        header.replaceSubrange(1...4, with: [0xFF, 0xFF, 0xFF, 0xFF])
        client.socket.send(try client.session.sealRaw(header))
        assertClosed(client.socket, because: "more than the limit")
    }

    func testABadMACClosesTheConnection() throws {
        var client = try RawSessionClient(port: fixture.port, key: fixture.clientKey)
        _ = try client.handshake()
        var frame = try client.session.seal(WireMessage(.ping, [1, 2, 3]))
        frame[frame.count - 1] ^= 0x01
        client.socket.send(frame)
        assertClosed(client.socket, because: "secure channel")
    }

    func testAReplayedMessageClosesTheConnection() throws {
        var client = try RawSessionClient(port: fixture.port, key: fixture.clientKey)
        _ = try client.handshake()
        let frame = try client.session.seal(WireMessage(.ping, [1]))
        client.socket.send(frame)
        XCTAssertEqual(try client.nextMessage(), WireMessage(.pong, [1]))
        client.socket.send(frame)   // the same ciphertext again: its nonce is spent
        assertClosed(client.socket, because: "secure channel")
    }

    func testReorderedMessagesCloseTheConnection() throws {
        var client = try RawSessionClient(port: fixture.port, key: fixture.clientKey)
        _ = try client.handshake()
        let first = try client.session.seal(WireMessage(.ping, [1]))
        let second = try client.session.seal(WireMessage(.ping, [2]))
        client.socket.send(second + first)
        assertClosed(client.socket, because: "secure channel")
    }

    func testAnUnknownMessageTypeClosesTheConnection() throws {
        var client = try RawSessionClient(port: fixture.port, key: fixture.clientKey)
        _ = try client.handshake()
        client.socket.send(try client.session.sealRaw([0x7E, 0, 0, 0, 0]))
        assertClosed(client.socket, because: "unknown message type")
    }

    func testAPayloadInHandshakeMessageOneIsRefused() throws {
        // Message 1 travels in clear, so AuditSync sends it empty; a peer that puts data there is refused.
        var initiator = try NoiseXX.initiator(staticKey: fixture.clientKey)
        let socket = try RawSocket(port: fixture.port)
        socket.send(NoiseFrameDecoder.encode(try initiator.writeMessage(payload: Array("hello".utf8))))
        assertClosed(socket, because: "must be empty")
    }
}
