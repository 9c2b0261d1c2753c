import Foundation
import Glibc
import NoiseProtocol
@testable import WireProtocol
import XCTest

@testable import Transport

/// One big write (many messages sealed together) that the peer reads slowly completes long
/// after the idle timeout, and libuv calls back only at its end. The bytes the socket takes
/// on the way are progress all the same: the writer is busy, not idle (wire.md §10).
final class IdleTimeoutDuringOneBigWriteTests: XCTestCase {
    func testAPeerReadingOneBigWriteSlowlyKeepsTheConnectionBusy() async throws {
        var limits = SecureConnection.Limits()
        limits.idleTimeoutMilliseconds = 300
        limits.writeHighWaterMark = 64 << 20
        let fixture = try await ServerFixture(limits: limits)
        let count = 32
        // 32 MiB in one write: the kernel's buffers on both sides take some 10 MB at most.
        let served = ServedConnection()
        fixture.handler.react { message, connection in
            guard message.type == .ping else { return }
            served.connection = connection
            connection.send(contentsOf: Array(repeating: WireMessage(.pong, [UInt8](repeating: 0x44, count: 1 << 20)), count: count))
        }
        var client = try RawSessionClient(port: fixture.port, key: fixture.clientKey)
        _ = try client.handshake()
        client.socket.send(try client.session.seal(WireMessage(.ping, [1])))
        // About 20 MB/s: the write takes well over a second, four idle timeouts and more.
        let started = ContinuousClock.now
        var received = 0
        while received < count {
            let bytes = client.socket.receive(atMost: 512 << 10)
            guard !bytes.isEmpty else { break }
            for case .message(let message) in try client.session.receive(bytes) where message.type == .pong { received += 1 }
            // While more is left than the kernels hold, the server's write is still in progress:
            // it must not have timed out. (Once its write is done and the rest sits in the
            // kernels, a server that hears nothing does time out: that is §10.)
            // (A closing connection still flushes what it queued: ask it, not the close log.)
            if received < count / 2, await served.isClosing(on: fixture.loop) {
                XCTFail("the server gave up with \(received) MiB read, \(ContinuousClock.now - started) into the download")
                break
            }
            usleep(25_000)
        }
        XCTAssertGreaterThan(ContinuousClock.now - started, .milliseconds(900), "the download was not slow enough to prove anything")
        // Hang up first: a server stopping with megabytes still queued for a peer that no
        // longer reads would wait for them.
        shutdown(client.socket.descriptor, Int32(SHUT_RDWR))
        await fixture.stop()
    }
}

/// The server's side of the connection, as its handler saw it; read on the server's loop.
private final class ServedConnection: @unchecked Sendable {
    weak var connection: SecureConnection?

    func isClosing(on loop: EventLoop) async -> Bool {
        await withCheckedContinuation { continuation in
            if !loop.execute({ continuation.resume(returning: self.connection?.isClosing ?? true) }) {
                continuation.resume(returning: true)
            }
        }
    }
}
