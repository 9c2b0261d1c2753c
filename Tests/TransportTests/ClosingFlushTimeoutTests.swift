import Foundation
import Glibc
import NoiseProtocol
@testable import WireProtocol
import XCTest

@testable import Transport

/// A graceful close (an `error`, then shutdown) waits for what is queued to be flushed. A peer
/// that stopped reading never takes it: the close must not wait forever — the idle timeout
/// would then never end the connection, and `SecureServer.stop` would never return.
final class ClosingFlushTimeoutTests: XCTestCase {
    func testAClosingConnectionWhosePeerDoesNotReadClosesAfterTheFlushTimeout() async throws {
        var limits = SecureConnection.Limits()
        limits.idleTimeoutMilliseconds = 300
        limits.flushTimeoutMilliseconds = 300
        limits.writeHighWaterMark = 64 << 20
        let fixture = try await ServerFixture(limits: limits)
        // 32 MiB queued for a client that never reads: far more than the kernels take.
        fixture.handler.react { message, connection in
            guard message.type == .ping else { return }
            connection.send(contentsOf: Array(repeating: WireMessage(.pong, [UInt8](repeating: 0x66, count: 1 << 20)), count: 32))
        }
        var client: RawSessionClient? = try RawSessionClient(port: fixture.port, key: fixture.clientKey)
        _ = try client?.handshake()
        client?.socket.send(try client!.session.seal(WireMessage(.ping, [1])))
        // Idle after 300 ms (the writes stall), then 300 ms to flush, which never happens.
        let closed = fixture.handler.waitForClose(timeout: 3) { _ in true }
        XCTAssertNotNil(closed, "the server's connection was still open 3 s later")
        XCTAssertTrue(closed?.contains("timeout (7)") == true, closed ?? "")
        // Without the bound, stopping would wait for the flush: hang up first (closing with
        // unread bytes resets the connection, which fails the server's write).
        client = nil
        await fixture.stop()
    }
}
