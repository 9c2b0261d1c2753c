import Foundation
import NoiseProtocol
import TestSupport
@testable import WireProtocol
import XCTest

@testable import Transport

/// A central that refuses a node sends `error`, then closes. A node busy sending at that moment
/// (a laptop pushes first) must learn what the central said from the very call that fails, not
/// only that the connection closed.
final class PeerErrorBeforeCloseTests: XCTestCase {
    private var clientLoop: EventLoop!

    override func setUp() {
        clientLoop = EventLoop(name: "test-clients")
    }

    override func tearDown() {
        clientLoop.shutdown()
        clientLoop = nil
    }

    /// Sends `messages` (in one write) again and again until a send fails; returns that failure.
    private func sendUntilClosed(_ client: SecureClient, _ messages: [WireMessage], atMost count: Int,
                                 file: StaticString = #filePath, line: UInt = #line) async -> ChannelClosed? {
        do {
            for _ in 0..<count { try await client.send(contentsOf: messages) }
            XCTFail("\(count) sends went through a connection the central closed", file: file, line: line)
        } catch let closed as ChannelClosed {
            return closed
        } catch {
            XCTFail("expected ChannelClosed, got \(error)", file: file, line: line)
        }
        return nil
    }

    /// What the central said reaches `receive` too: first the `error` itself, then the close,
    /// carrying the same words.
    private func assertRefusalThenClose(_ client: SecureClient, _ refusal: ChannelError,
                                        file: StaticString = #filePath, line: UInt = #line) async throws {
        let message = try await client.receive()
        XCTAssertEqual(message.type, .error, file: file, line: line)
        XCTAssertEqual(try ChannelError(payload: message.payload), refusal, file: file, line: line)
        do {
            let next = try await client.receive()
            XCTFail("the connection stayed open after the refusal; got \(next.type)", file: file, line: line)
        } catch let closed as ChannelClosed {
            XCTAssertEqual(closed.peerError, refusal, "\(closed)", file: file, line: line)
        }
    }

    func testARefusalDuringABigSendReachesTheFailingSend() async throws {
        let fixture = try await ServerFixture()
        let revoked = ChannelError(.revokedNode, "node 000f1e1d was revoked by the certification body; enroll again")
        fixture.handler.react { _, connection in connection.close(error: revoked) }
        let client = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration())
        // 8 MiB per write, more than the sockets' buffers hold: the central refuses after the
        // first mebibyte and closes with the rest unread, so its kernel resets the connection.
        // The client, its queue over the high-water mark, is not reading (backpressure): its
        // write fails before it has read the refusal waiting in its kernel.
        let mebibyte = WireMessage(.pong, [UInt8](repeating: 0x5A, count: 1 << 20))
        let closed = await sendUntilClosed(client, Array(repeating: mebibyte, count: 8), atMost: 100)
        XCTAssertEqual(closed?.peerError, revoked, closed.map { "\($0)" } ?? "")
        let words = closed.map { "\($0)" } ?? ""
        XCTAssertTrue(words.contains("the central closed the connection") && words.contains("revokedNode (3)")
                      && words.contains(revoked.reason), words)
        try await assertRefusalThenClose(client, revoked)
        XCTAssertNotNil(fixture.handler.waitForClose { $0.contains("revokedNode") })
        await client.close()
        await fixture.stop()
    }

    func testARefusalDuringManySmallSendsReachesTheFailingSend() async throws {
        let fixture = try await ServerFixture()
        let full = ChannelError(.storageFull, "the central's disk is full; nothing of this push was kept")
        fixture.handler.react { _, connection in connection.close(error: full) }
        let client = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration())
        let closed = await sendUntilClosed(client, [WireMessage(.pong, [UInt8](repeating: 0x11, count: 1000))], atMost: 1_000_000)
        XCTAssertEqual(closed?.peerError, full, closed.map { "\($0)" } ?? "")
        XCTAssertTrue(closed.map { "\($0)" }?.contains("storageFull (12)") == true, closed.map { "\($0)" } ?? "")
        try await assertRefusalThenClose(client, full)
        await client.close()
        await fixture.stop()
    }

    func testARefusalAtAdmissionReachesASendStartedRightAfterConnecting() async throws {
        let fixture = try await ServerFixture()
        // The handshake ends on the client's side before the central has read message 3 and
        // decided: connect returns, and the refusal meets the first sends.
        let client = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration(key: .generate()))
        let closed = await sendUntilClosed(client, [WireMessage(.pong, [UInt8](repeating: 0x22, count: 64 << 10))], atMost: 100_000)
        XCTAssertEqual(closed?.peerError?.code, .unknownNode, closed.map { "\($0)" } ?? "")
        XCTAssertEqual(closed?.peerError?.reason, "not enrolled here")
        await client.close()
        await fixture.stop()
    }

    func testARefusalBeforeTheChannelIsUpIsTheConnectFailure() async throws {
        let fixture = try await ServerFixture()
        do {
            _ = try await SecureClient.connect(on: clientLoop, fixture.clientConfiguration(versions: [99]))
            XCTFail("a node speaking only version 99 was connected")
        } catch let closed as ChannelClosed {
            XCTAssertEqual(closed.peerError?.code, .unsupportedVersion, "\(closed)")
            XCTAssertTrue("\(closed)".contains("the central closed the connection: unsupportedVersion (1)"), "\(closed)")
        }
        await fixture.stop()
    }
}
