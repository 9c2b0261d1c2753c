import Foundation
import NoiseProtocol
@testable import WireProtocol
import XCTest

@testable import Transport

/// A node whose last act was a send — it asked, and waits for an answer that never comes —
/// closes one idle timeout after that send (wire.md §10), not two.
final class IdleTimeoutAfterSendTests: XCTestCase {
    private var clientLoop: EventLoop!

    override func setUp() {
        clientLoop = EventLoop(name: "test-clients")
    }

    override func tearDown() {
        clientLoop.shutdown()
        clientLoop = nil
    }

    func testAClientThatSentAndWaitsClosesOneIdleTimeoutAfterItsSend() async throws {
        let idle: UInt64 = 600
        let fixture = try await ServerFixture()
        var configuration = fixture.clientConfiguration()
        configuration.limits.idleTimeoutMilliseconds = idle
        let client = try await SecureClient.connect(on: clientLoop, configuration)
        // A round trip: the client last received something just now...
        try await client.send(WireMessage(.ping, [1]))
        _ = try await client.receive()
        // ...then it sends what the central never answers (it ignores pongs), and waits.
        try await client.send(WireMessage(.pong, [2]))
        let sent = ContinuousClock.now
        do {
            let message = try await client.receive()
            XCTFail("expected the idle client to close, got \(message.type)")
        } catch let closed as ChannelClosed {
            XCTAssertTrue(closed.reason.contains("nothing received or sent for 600 ms"), closed.reason)
        }
        let elapsed = ContinuousClock.now - sent
        // One timeout after the send, give or take a noisy machine; two timeouts (1200 ms) is the bug.
        XCTAssertGreaterThan(elapsed, .milliseconds(idle * 8 / 10), "closed before the idle timeout ran out")
        XCTAssertLessThan(elapsed, .milliseconds(idle * 3 / 2), "closed \(elapsed) after the last send, not within \(idle) ms")
        await client.close()
        await fixture.stop()
    }
}
