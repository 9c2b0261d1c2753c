import CentralNode
import Foundation
import Glibc
import NoiseProtocol
import TestSupport
import Transport
import WireProtocol
import XCTest

/// `auditsync central serve` end to end: the real executable as a child process, real loopback
/// TCP, real field-node clients (`SecureClient`) and raw sockets.
///
/// This file starts the server: the listening line, and the start-ups that fail. Admitting and
/// refusing nodes is in `CentralServeTests+Admission.swift`, stopping on a signal in
/// `CentralServeTests+Stopping.swift`, garbage from raw sockets in `CentralServeTests+BadPeers.swift`;
/// the fixtures they share are in `CentralServeTestSupport.swift` and `RawSocket.swift`.
final class CentralServeTests: XCTestCase {
    static let centralName = "Serve Test Certification Body"
    /// A node id with leading zero digits, so its 16-hex form is padded.
    static let fieldNode: UInt64 = 0x0012_3456_789A_BCDE

    /// Every server a test started; tearDown kills those still running.
    var servers: [ServerProcess] = []

    override func tearDown() {
        for server in servers where server.isRunning {
            server.kill()
        }
        servers.removeAll()
        super.tearDown()
    }

    // MARK: Listening

    func testServePrintsOneListeningLineWithARealPortAndAcceptsConnections() async throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)

        // A plain TCP connection is accepted.
        let socket = try RawSocket(port: port)
        socket.close()

        // A field node completes the handshake and sees the central it pinned.
        let loop = EventLoop(name: "serve-test-client")
        defer { loop.shutdown() }
        let pinned = try centralKey(data)
        let client = try await connect(loop, fieldConfiguration(port: port, key: .generate(), pinned: pinned))
        XCTAssertEqual(client.peer?.staticKey, pinned)
        XCTAssertEqual(client.peer?.hello.role, .central)
        XCTAssertEqual(client.peer?.hello.name, Self.centralName)
        await client.close()

        usleep(200_000)
        XCTAssertEqual(server.stdout, "listening on 127.0.0.1:\(port)\n", "exactly one line on stdout\n\(server.transcript)")
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        XCTAssertEqual(server.stdout, "listening on 127.0.0.1:\(port)\n", "nothing more on stdout after stopping")
        withExtendedLifetime(scratch) {}
    }

    func testServeWithJSONPrintsOneListeningDocument() async throws {
        let (scratch, data) = try makeCentral()
        let server = try ServerProcess(["central", "serve", "--listen", "127.0.0.1:0", "--json", "--data", data.path])
        servers.append(server)
        let complete = server.wait(timeout: 15) { process in
            (try? JSONSerialization.jsonObject(with: Data(process.stdout.utf8))) != nil && process.stdout.hasSuffix("\n")
        }
        XCTAssertTrue(complete, "one JSON document on stdout within 15 s\n\(server.transcript)")
        let result = CLIResult(arguments: server.arguments, status: 0, stdout: server.stdout, stderr: "")
        let document = try jsonObject(result)
        XCTAssertEqual(Set(document.keys), ["listening"], "\(server.transcript)")
        let listening = document["listening"] as? String ?? ""
        XCTAssertTrue(listening.matches("127\\.0\\.0\\.1:[0-9]+"), "listening: \(listening)")
        let port = listening.split(separator: ":").last.flatMap { UInt16($0) } ?? 0
        XCTAssertNotEqual(port, 0, "a real port")

        let socket = try RawSocket(port: port)
        socket.close()

        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        XCTAssertEqual(server.stdout, result.stdout, "nothing but the document on stdout")
        withExtendedLifetime(scratch) {}
    }

    // MARK: Start-up failures

    func testSecondServerOnAPortInUseFailsNamingTheAddress() throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)

        let (otherScratch, other) = try makeCentral()
        let second = try CLI.run(["central", "serve", "--listen", "127.0.0.1:\(port)", "--data", other.path], timeout: 15)
        let line = assertFailure(second, status: 1)
        XCTAssertTrue(line.contains("127.0.0.1:\(port)"), "the error names the address: \(line)")
        withExtendedLifetime(otherScratch) {}
        // A second server on the same data directory is refused whatever its port.
        let same = try CLI.run(["central", "serve", "--listen", "127.0.0.1:0", "--data", data.path], timeout: 15)
        XCTAssertTrue(assertFailure(same, status: 1).contains("central serve` is running on"), "\(same)")

        XCTAssertTrue(server.isRunning, "the first server is unaffected")
        let socket = try RawSocket(port: port)
        socket.close()
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        withExtendedLifetime(scratch) {}
    }

    func testServeWithoutACentralPointsToCentralInit() throws {
        let scratch = try ScratchDirectory(prefix: "auditsync-serve")
        let data = scratch.appending("nothing-here")
        let result = try CLI.run(["central", "serve", "--listen", "127.0.0.1:0", "--data", data.path], timeout: 15)
        let line = assertFailure(result, status: 1)
        XCTAssertTrue(line.contains("central init"), "the hint names `central init`: \(line)")
        XCTAssertTrue(line.contains(data.path), "the error names the directory: \(line)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: data.appendingPathComponent(Central.databaseName).path),
                       "serve creates no database")
    }

    func testServeWithAnUnparsableListenAddressIsBadUsage() throws {
        let (scratch, data) = try makeCentral()
        let result = try CLI.run(["central", "serve", "--listen", "nonsense", "--data", data.path], timeout: 15)
        let line = assertFailure(result, status: 2)
        XCTAssertTrue(line.contains("nonsense"), "the error quotes the bad value: \(line)")
        withExtendedLifetime(scratch) {}
    }
}
