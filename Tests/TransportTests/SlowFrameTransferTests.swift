import Foundation
import Glibc
import NoiseProtocol
@testable import WireProtocol
import XCTest

@testable import Transport

/// The frame completion deadline is per frame: a large message arriving slowly, in pieces cut
/// across frame boundaries, takes far longer than the deadline in all and is not cut.
final class SlowFrameTransferTests: XCTestCase {
    func testALargeMessageArrivingSlowlyInPiecesIsNotCut() async throws {
        var limits = SecureConnection.Limits()
        limits.frameCompletionTimeoutMilliseconds = 400
        let fixture = try await ServerFixture(limits: limits)
        var client = try RawSessionClient(port: fixture.port, key: fixture.clientKey)
        _ = try client.handshake()
        let payload = (0..<(512 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let wire = try client.session.seal(WireMessage(.ping, payload))
        // 16 KiB every 30 ms: a frame (65,537 bytes) spans at most five pieces, some 120 ms;
        // the pieces never end on a frame boundary, so some frame is always incomplete; the
        // whole message takes about a second, 2.5 deadlines.
        let started = ContinuousClock.now
        for offset in stride(from: 0, to: wire.count, by: 16 << 10) {
            client.socket.send(Array(wire[offset..<min(offset + (16 << 10), wire.count)]))
            usleep(30_000)
        }
        XCTAssertGreaterThan(ContinuousClock.now - started, .milliseconds(800), "the transfer was not slow enough to prove anything")
        let pong = try client.nextMessage()
        XCTAssertEqual(pong?.type, .pong, "the server closed: \(fixture.handler.closeReasons)")
        XCTAssertTrue(pong?.payload == payload, "the echoed payload differs")
        XCTAssertEqual(fixture.handler.closeReasons, [])
        await fixture.stop()
    }
}
