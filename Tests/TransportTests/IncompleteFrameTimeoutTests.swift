import Foundation
import Glibc
import NoiseProtocol
@testable import WireProtocol
import XCTest

@testable import Transport

/// A frame whose length was damaged to more than the bytes that follow would keep the receiver
/// waiting for bytes that never come, and the sender for an answer, until the idle timeout. Once
/// a frame has begun, the rest of it must come within the frame completion timeout (wire.md §10).
final class IncompleteFrameTimeoutTests: XCTestCase {
    private var clientLoop: EventLoop!
    /// A frame claiming 1000 bytes, with only 10 of them.
    private let cutFrame: [UInt8] = [0x03, 0xE8] + [UInt8](repeating: 0x5C, count: 10)

    override func setUp() {
        clientLoop = EventLoop(name: "test-clients")
    }

    override func tearDown() {
        clientLoop.shutdown()
        clientLoop = nil
    }

    private static func frameLimits() -> SecureConnection.Limits {
        var limits = SecureConnection.Limits()
        limits.frameCompletionTimeoutMilliseconds = 300
        return limits
    }

    func testAFrameCutShortDuringTheHandshakeIsClosedAtTheFrameDeadline() async throws {
        // The handshake's own deadline (10 s) is far off: only the frame's can close this soon.
        let fixture = try await ServerFixture(limits: Self.frameLimits())
        let socket = try RawSocket(port: fixture.port)
        let sent = ContinuousClock.now
        socket.send(cutFrame)
        XCTAssertTrue(socket.waitForClose(), "the server kept the connection open")
        let elapsed = ContinuousClock.now - sent
        XCTAssertGreaterThan(elapsed, .milliseconds(250), "closed before the frame deadline")
        XCTAssertLessThan(elapsed, .seconds(3), "closed \(elapsed) after the cut frame, not at its 300 ms deadline")
        let reason = fixture.handler.waitForClose { $0.contains("incomplete") }
        XCTAssertNotNil(reason, "\(fixture.handler.closeReasons)")
        XCTAssertTrue(reason?.contains("1000 bytes") == true && reason?.contains("10 of them") == true, reason ?? "")
        await fixture.stop()
    }

    func testAFrameCutShortOnAnEstablishedChannelIsToldAndClosed() async throws {
        let fixture = try await ServerFixture(limits: Self.frameLimits())
        var client = try RawSessionClient(port: fixture.port, key: fixture.clientKey)
        _ = try client.handshake()
        let sent = ContinuousClock.now
        client.socket.send(cutFrame)
        // The channel is up and our direction of it is sound: the server says why.
        let notice = try client.nextMessage()
        XCTAssertEqual(notice?.type, .error)
        let error = try notice.map { try ChannelError(payload: $0.payload) }
        XCTAssertEqual(error?.code, .timeout, "\(String(describing: error))")
        XCTAssertTrue(error?.reason.contains("still incomplete") == true, "\(String(describing: error))")
        XCTAssertNil(try client.nextMessage(), "the connection stayed open after the notice")
        XCTAssertLessThan(ContinuousClock.now - sent, .seconds(3))
        XCTAssertNotNil(fixture.handler.waitForClose { $0.contains("timeout (7)") && $0.contains("incomplete") },
                        "\(fixture.handler.closeReasons)")
        await fixture.stop()
    }

    func testAClientWhoseCentralSendsACutFrameClosesPromptly() async throws {
        let fixture = try await ServerFixture()
        // Answers a ping with a frame cut short, as a damaged length would leave it, and waits.
        let cutFrame = cutFrame
        fixture.handler.react { message, connection in
            if message.type == .ping { connection.stream.write(cutFrame) }
        }
        var configuration = fixture.clientConfiguration()
        configuration.limits = Self.frameLimits()
        // Bounds how long this test waits if the frame deadline does not work.
        configuration.limits.idleTimeoutMilliseconds = 5000
        let client = try await SecureClient.connect(on: clientLoop, configuration)
        try await client.send(WireMessage(.ping, [1]))
        let sent = ContinuousClock.now
        do {
            let message = try await client.receive()
            XCTFail("expected the client to close, got \(message.type)")
        } catch let closed as ChannelClosed {
            XCTAssertTrue(closed.reason.contains("timeout (7)") && closed.reason.contains("1000 bytes")
                          && closed.reason.contains("still incomplete"), closed.reason)
        }
        XCTAssertLessThan(ContinuousClock.now - sent, .seconds(3), "the client waited for the rest of the frame")
        // The central sees the close at once: the client's notice, then the end of the stream.
        XCTAssertNotNil(fixture.handler.waitForClose(timeout: 3) { _ in true }, "the central's connection stayed open")
        await client.close()
        await fixture.stop()
    }
}
