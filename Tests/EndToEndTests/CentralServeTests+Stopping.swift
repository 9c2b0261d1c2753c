import CentralNode
import Foundation
import Glibc
import NoiseProtocol
import TestSupport
import Transport
import WireProtocol
import XCTest

/// Stopping the server: SIGTERM and SIGINT stop it cleanly and tell connected nodes, from the very
/// moment the listening line appears.
extension CentralServeTests {
    // MARK: Stopping

    func testSIGTERMStopsCleanlyAndTellsConnectedNodes() async throws {
        try await assertSignalStopsCleanly(SIGTERM, name: "SIGTERM")
    }

    func testSIGINTStopsCleanlyAndTellsConnectedNodes() async throws {
        try await assertSignalStopsCleanly(SIGINT, name: "SIGINT")
    }

    private func assertSignalStopsCleanly(_ signal: Int32, name: String, file: StaticString = #filePath,
                                          line: UInt = #line) async throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)
        let key = StaticKeyPair.generate()
        try enroll(key, as: Self.fieldNode, in: data)
        let loop = EventLoop(name: "serve-test-client")
        defer { loop.shutdown() }
        let client = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: try centralKey(data)))
        // A round trip proves the central admitted the node before the signal.
        try await assertPingPong(client, payload: Array("before the stop".utf8), file: file, line: line)

        assertStopsCleanly(server, signal: signal, name: name, file: file, line: line)

        let message = try await receive(client, "the shutdown notice")
        XCTAssertEqual(message.type, .error, "connected nodes are told: \(Self.describe(message))", file: file, line: line)
        XCTAssertEqual((try? ChannelError(payload: message.payload))?.code, .shuttingDown,
                       "\(Self.describe(message))", file: file, line: line)
        do {
            let next = try await receive(client, "the close after the notice")
            XCTFail("the connection stays open; got \(Self.describe(next))", file: file, line: line)
        } catch is ChannelClosed {
            // Expected.
        }
        XCTAssertEqual(server.stdout, "listening on 127.0.0.1:\(port)\n", "stdout holds only the listening line",
                       file: file, line: line)

        // Nothing listens any more.
        XCTAssertThrowsError(try RawSocket(port: port), "the port is closed after the stop", file: file, line: line)
        try assertDatabaseIntact(data, file: file, line: line)
        withExtendedLifetime(scratch) {}
    }

    /// The listening line tells operators and scripts the server is up: from then on SIGINT and
    /// SIGTERM must stop it cleanly — even sent the instant the line appears, and on every start
    /// (a race in installing the handlers shows only on some starts, hence the repetitions).
    func testStopSignalsWorkFromTheMomentTheListeningLineAppears() throws {
        let (scratch, data) = try makeCentral()
        for attempt in 1...30 {
            let server = try ServerProcess(["central", "serve", "--listen", "127.0.0.1:0", "--data", data.path])
            servers.append(server)
            guard let first = server.firstStdoutLine(timeout: 15) else {
                XCTFail("attempt \(attempt): no listening line\n\(server.transcript)")
                return
            }
            XCTAssertTrue(first.hasPrefix("listening on "), first)
            let (signal, name) = attempt % 2 == 0 ? (SIGTERM, "SIGTERM") : (SIGINT, "SIGINT")
            server.send(signal: signal)
            guard let status = server.waitForExit(timeout: 5) else {
                XCTFail("attempt \(attempt): \(name) right after `listening on` was lost: still running 5 s later; "
                        + "the server's \(name) disposition is now \(server.disposition(of: signal))\n\(server.transcript)")
                return
            }
            XCTAssertFalse(server.wasKilledBySignal,
                           "attempt \(attempt): \(name) right after `listening on` killed the process instead of stopping it\n\(server.transcript)")
            XCTAssertTrue(server.stderr.hasSuffix("stopped\n"), "attempt \(attempt)\n\(server.transcript)")
            XCTAssertEqual(status, 0, "attempt \(attempt)\n\(server.transcript)")
            if server.wasKilledBySignal || status != 0 { break }
        }
        try assertDatabaseIntact(data)
        withExtendedLifetime(scratch) {}
    }
}
