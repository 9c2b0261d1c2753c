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
final class CentralServeTests: XCTestCase {
    static let centralName = "Serve Test Certification Body"
    /// A node id with leading zero digits, so its 16-hex form is padded.
    static let fieldNode: UInt64 = 0x0012_3456_789A_BCDE

    /// Every server a test started; tearDown kills those still running.
    private var servers: [ServerProcess] = []

    override func tearDown() {
        for server in servers where server.isRunning {
            server.kill()
        }
        servers.removeAll()
        super.tearDown()
    }

    // MARK: Fixtures

    /// An initialised central data directory (inside the returned scratch directory).
    private func makeCentral(file: StaticString = #filePath, line: UInt = #line) throws -> (ScratchDirectory, URL) {
        let scratch = try ScratchDirectory(prefix: "auditsync-serve")
        let data = scratch.appending("central")
        let result = try CLI.run(["central", "init", "--name", Self.centralName, "--listen", "127.0.0.1:0",
                                  "--data", data.path])
        XCTAssertEqual(result.status, 0, "central init\n\(result)", file: file, line: line)
        return (scratch, data)
    }

    /// Starts `central serve --listen 127.0.0.1:0 --data DATA` (plus `extra`) and waits for it to
    /// be ready; returns the process and the port it reported.
    private func startServer(data: URL, listen: String = "127.0.0.1:0", extra: [String] = [],
                             file: StaticString = #filePath, line: UInt = #line) throws -> (ServerProcess, UInt16) {
        let server = try ServerProcess(["central", "serve", "--listen", listen, "--data", data.path] + extra)
        servers.append(server)
        guard let first = server.firstStdoutLine(timeout: 15) else {
            XCTFail("no listening line within 15 s\n\(server.transcript)", file: file, line: line)
            throw ServeTestError.notReady
        }
        guard first.matches("listening on 127\\.0\\.0\\.1:[0-9]+"),
              let port = first.split(separator: ":").last.flatMap({ UInt16($0) }), port != 0 else {
            XCTFail("unexpected first line \(first)\n\(server.transcript)", file: file, line: line)
            throw ServeTestError.notReady
        }
        return (server, port)
    }

    /// The central's public Noise key, as a field node pins it at enrollment.
    private func centralKey(_ data: URL) throws -> [UInt8] {
        try StaticKeyFile.loadOrCreate(in: data).publicKey
    }

    /// Registers a field node's key at the central, from this process, as enrollment does.
    private func enroll(_ key: StaticKeyPair, as node: UInt64, in data: URL, auditor: String = "alice") throws {
        let central = try Central(opening: data)
        if try central.auditor(auditor) == nil {
            try central.addAuditor(id: auditor, name: "Alice Martin", roles: [])
        }
        try central.registerNode(id: Self.hex(node), publicKey: key.publicKey, auditor: auditor)
    }

    static func hex(_ node: UInt64) -> String {
        let digits = String(node, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private func fieldConfiguration(port: UInt16, key: StaticKeyPair, node: UInt64 = fieldNode,
                                    pinned: [UInt8]?) -> SecureClient.Configuration {
        SecureClient.Configuration(
            host: "127.0.0.1", port: port, staticKey: key,
            hello: Hello(versions: ProtocolVersion.supported, node: node, role: .field, name: "field laptop"),
            pinnedServerKey: pinned)
    }

    private func connect(_ loop: EventLoop, _ configuration: SecureClient.Configuration) async throws -> SecureClient {
        try await within(10, "handshake with the central") { try await SecureClient.connect(on: loop, configuration) }
    }

    private func receive(_ client: SecureClient, _ what: String, seconds: TimeInterval = 10) async throws -> WireMessage {
        try await within(seconds, what) { try await client.receive() }
    }

    /// Sends a ping with `payload` and asserts the identical pong comes back.
    private func assertPingPong(_ client: SecureClient, payload: [UInt8], file: StaticString = #filePath,
                                line: UInt = #line) async throws {
        try await within(10, "sending a ping") { try await client.send(WireMessage(.ping, payload)) }
        let answer = try await receive(client, "the pong")
        XCTAssertEqual(answer.type, .pong, "answer type (payload of an error: \(Self.describe(answer)))",
                       file: file, line: line)
        XCTAssertEqual(answer.payload.count, payload.count, "pong payload size", file: file, line: line)
        XCTAssertTrue(answer.payload == payload, "the pong carries the ping's payload unchanged", file: file, line: line)
    }

    /// Asserts the next message is an `error` with `code`, then that the connection closes.
    @discardableResult
    private func assertRefused(_ client: SecureClient, code: ChannelError.Code, file: StaticString = #filePath,
                               line: UInt = #line) async throws -> ChannelError? {
        let message = try await receive(client, "the refusal")
        XCTAssertEqual(message.type, .error, "the central answers with an error message", file: file, line: line)
        let error = try? ChannelError(payload: message.payload)
        XCTAssertEqual(error?.code, code, "error code in \(Self.describe(message))", file: file, line: line)
        do {
            let next = try await receive(client, "the close after the refusal")
            XCTFail("the connection stays open after the refusal; got \(Self.describe(next))", file: file, line: line)
        } catch is ChannelClosed {
            // Expected: the central closes the connection after saying why.
        }
        return error
    }

    static func describe(_ message: WireMessage) -> String {
        if message.type == .error, let error = try? ChannelError(payload: message.payload) { return "error \(error)" }
        return "\(message.type) with \(message.payload.count) bytes"
    }

    private func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Stops the server with `signal` and asserts a clean stop: status 0, `stopped` last on stderr.
    private func assertStopsCleanly(_ server: ServerProcess, signal: Int32, name: String,
                                    file: StaticString = #filePath, line: UInt = #line) {
        let started = Date()
        server.send(signal: signal)
        guard let status = server.waitForExit(timeout: 5) else {
            XCTFail("still running 5 s after \(name); its \(name) disposition is \(server.disposition(of: signal))\n"
                    + server.transcript, file: file, line: line)
            return
        }
        XCTAssertFalse(server.wasKilledBySignal, "ended by the signal itself, not a clean stop\n\(server.transcript)",
                       file: file, line: line)
        XCTAssertEqual(status, 0, "exit status after \(name)\n\(server.transcript)", file: file, line: line)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, file: file, line: line)
        XCTAssertTrue(server.stderr.hasSuffix("stopped\n"), "stderr ends with `stopped`\n\(server.transcript)",
                      file: file, line: line)
        XCTAssertNotNil(server.stderrLines.first { $0.contains("received \(name)") },
                        "the stop is logged with the signal's name\n\(server.transcript)", file: file, line: line)
    }

    /// `PRAGMA integrity_check` on the central database through the sqlite3 CLI, when installed.
    private func assertDatabaseIntact(_ data: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            .split(separator: ":").map { "\($0)/sqlite3" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let sqlite3 = path else {
            print("note: no sqlite3 CLI on PATH; PRAGMA integrity_check skipped for \(data.path)")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sqlite3)
        process.arguments = [data.appendingPathComponent(Central.databaseName).path, "PRAGMA integrity_check"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "sqlite3: \(text)", file: file, line: line)
        XCTAssertEqual(text, "ok\n", "PRAGMA integrity_check", file: file, line: line)
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

    // MARK: Enrolled and refused nodes

    func testEnrollmentWhileServingTakesEffectAndThePingComesBackIdentical() async throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)
        let loop = EventLoop(name: "serve-test-client")
        defer { loop.shutdown() }
        let pinned = try centralKey(data)
        let key = StaticKeyPair.generate()

        // Before enrollment the key is unknown…
        let early = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: pinned))
        try await assertRefused(early, code: .unknownNode)

        // …and once registered (the server still running), it gets in.
        try enroll(key, as: Self.fieldNode, in: data)
        let client = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: pinned))
        XCTAssertEqual(client.peer?.staticKey, pinned)
        try await assertPingPong(client, payload: randomBytes(256 * 1024, seed: 0x5E12E))
        try await assertPingPong(client, payload: [])
        await client.close()

        XCTAssertNotNil(server.stderrLine(containing: "connected"), "the connection is logged\n\(server.transcript)")
        let connected = server.stderrLines.first { $0.contains("connected") } ?? ""
        XCTAssertTrue(connected.contains(String(Self.fieldNode, radix: 16)), "log names the node: \(connected)")
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        try assertDatabaseIntact(data)
        withExtendedLifetime(scratch) {}
    }

    func testUnknownKeyIsRefusedWithAnEnrollHintAndLogged() async throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)
        // Another node is enrolled: the table is not empty, the key is simply not in it.
        try enroll(.generate(), as: 0xABCD, in: data)
        let loop = EventLoop(name: "serve-test-client")
        defer { loop.shutdown() }

        let client = try await connect(loop, fieldConfiguration(port: port, key: .generate(), pinned: try centralKey(data)))
        let error = try await assertRefused(client, code: .unknownNode)
        let reason = error?.reason ?? ""
        XCTAssertTrue(reason.lowercased().contains("enroll"), "the reason tells the user to enroll: \(reason)")
        XCTAssertTrue(reason.contains(Self.centralName), "the reason names the central: \(reason)")

        let refused = server.stderrLine(containing: "refused")
        XCTAssertNotNil(refused, "a `refused` line on stderr\n\(server.transcript)")
        XCTAssertTrue(refused?.contains("127.0.0.1:") ?? false, "the refusal names the peer: \(refused ?? "")")
        XCTAssertTrue(server.isRunning, "one refusal does not stop the server")
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        withExtendedLifetime(scratch) {}
    }

    func testHelloNamingAnotherNodeThanTheKeysRegistrationIsRefusedWithKeyMismatch() async throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)
        let key = StaticKeyPair.generate()
        try enroll(key, as: Self.fieldNode, in: data)
        let loop = EventLoop(name: "serve-test-client")
        defer { loop.shutdown() }
        let pinned = try centralKey(data)

        let impostor = try await connect(loop, fieldConfiguration(port: port, key: key, node: Self.fieldNode + 1,
                                                                  pinned: pinned))
        let error = try await assertRefused(impostor, code: .keyMismatch)
        XCTAssertTrue(error?.reason.contains(Self.hex(Self.fieldNode)) ?? false,
                      "the reason names the node the key belongs to: \(error?.reason ?? "")")
        XCTAssertNotNil(server.stderrLine(containing: "refused"), "the refusal is logged\n\(server.transcript)")

        // The same key with its own id still gets in.
        let genuine = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: pinned))
        try await assertPingPong(genuine, payload: Array("still here".utf8))
        await genuine.close()
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        withExtendedLifetime(scratch) {}
    }

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

    // MARK: Start-up failures

    func testSecondServerOnAPortInUseFailsNamingTheAddress() throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)

        let second = try CLI.run(["central", "serve", "--listen", "127.0.0.1:\(port)", "--data", data.path], timeout: 15)
        let line = assertFailure(second, status: 1)
        XCTAssertTrue(line.contains("127.0.0.1:\(port)"), "the error names the address: \(line)")

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

    // MARK: Bad peers

    func testGarbageOnRawSocketsDoesNotDisturbOtherClients() async throws {
        let (scratch, data) = try makeCentral()
        let (server, port) = try startServer(data: data)
        let key = StaticKeyPair.generate()
        try enroll(key, as: Self.fieldNode, in: data)
        let pinned = try centralKey(data)
        let loop = EventLoop(name: "serve-test-client")
        defer { loop.shutdown() }

        // A node connected before the garbage arrives.
        let before = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: pinned))
        try await assertPingPong(before, payload: Array("first".utf8))

        // An empty frame: a framing error at once.
        let empty = try RawSocket(port: port)
        try empty.send([0, 0, 1, 2, 3])
        // A plausible message 1, then a message 3 of random bytes: a bad MAC.
        let badMAC = try RawSocket(port: port)
        try badMAC.send([0, 32] + randomBytes(32, seed: 1) + [0, 64] + randomBytes(64, seed: 2))
        // Random bytes in bulk.
        let noise = try RawSocket(port: port)
        try noise.send(randomBytes(100_000, seed: 3))
        // Half a frame, then silence: it stays open until the handshake timeout.
        let stalled = try RawSocket(port: port)
        try stalled.send(Array("GET / HTTP/1.1\r\nHost: central\r\n\r\n".utf8))

        XCTAssertTrue(empty.waitUntilClosedByPeer(timeout: 5), "the empty-frame connection is closed")
        XCTAssertTrue(badMAC.waitUntilClosedByPeer(timeout: 5), "the bad-MAC connection is closed")
        XCTAssertTrue(noise.waitUntilClosedByPeer(timeout: 5), "the random-bytes connection is closed")

        // The node connected before, and a new one, are served while the stalled peer waits.
        try await assertPingPong(before, payload: randomBytes(256 * 1024, seed: 4))
        let after = try await connect(loop, fieldConfiguration(port: port, key: key, pinned: pinned))
        try await assertPingPong(after, payload: randomBytes(256 * 1024, seed: 5))
        await before.close()
        await after.close()

        // Each closed garbage connection is logged with its reason.
        for (socket, what) in [(empty, "empty frame"), (badMAC, "bad MAC"), (noise, "random bytes")] {
            let peer = "127.0.0.1:\(socket.localPort)"
            let logged = server.stderrLine(containing: "closed \(peer)", timeout: 5)
            XCTAssertNotNil(logged, "the \(what) connection's close is logged\n\(server.transcript)")
            if let logged {
                let reason = logged.components(separatedBy: "closed \(peer)").last ?? ""
                XCTAssertTrue(reason.count > 2, "with a reason: \(logged)")
            }
        }
        stalled.close()
        empty.close()
        badMAC.close()
        noise.close()
        XCTAssertTrue(server.isRunning, "garbage does not stop the server\n\(server.transcript)")
        assertStopsCleanly(server, signal: SIGTERM, name: "SIGTERM")
        try assertDatabaseIntact(data)
        withExtendedLifetime(scratch) {}
    }
}

// MARK: - Helpers

private enum ServeTestError: Error, CustomStringConvertible {
    case notReady
    case timedOut(String, seconds: TimeInterval)
    case socket(String, errno: Int32)

    var description: String {
        switch self {
        case .notReady: "the server did not become ready"
        case .timedOut(let what, let seconds): "timed out after \(seconds) s waiting for \(what)"
        case .socket(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// Resumes a continuation once, from whichever side gets there first.
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Error>?

    init(_ continuation: CheckedContinuation<T, Error>) {
        self.continuation = continuation
    }

    func resume(_ result: Result<T, Error>) {
        let pending = lock.withLock { () -> CheckedContinuation<T, Error>? in
            defer { continuation = nil }
            return continuation
        }
        pending?.resume(with: result)
    }
}

/// Runs `operation`, failing with `ServeTestError.timedOut` if it has not finished after
/// `seconds`. The operation is not cancelled (client calls cannot be); it is left to finish when
/// its connection or loop closes.
private func within<T: Sendable>(_ seconds: TimeInterval, _ what: String,
                         _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let once = ResumeOnce(continuation)
        let timer = Task {
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            if !Task.isCancelled { once.resume(.failure(ServeTestError.timedOut(what, seconds: seconds))) }
        }
        Task {
            do {
                once.resume(.success(try await operation()))
            } catch {
                once.resume(.failure(error))
            }
            timer.cancel()
        }
    }
}

/// A plain blocking TCP socket to 127.0.0.1, for bytes no well-behaved client would send.
private final class RawSocket {
    private(set) var descriptor: Int32

    init(port: UInt16) throws {
        descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ServeTestError.socket("socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            let code = errno
            Glibc.close(descriptor)
            descriptor = -1
            throw ServeTestError.socket("connect to 127.0.0.1:\(port)", errno: code)
        }
    }

    deinit { close() }

    /// The local port, which the server logs as the peer's.
    var localPort: UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Sends every byte (no SIGPIPE if the server already closed).
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                // The server may close mid-send once it has seen enough garbage.
                if errno == EPIPE || errno == ECONNRESET { return }
                throw ServeTestError.socket("send", errno: errno)
            }
            offset += sent
        }
    }

    /// Reads (and drops) whatever the server sends until it closes the connection; false when
    /// it is still open after `timeout`.
    func waitUntilClosedByPeer(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return false }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(remaining * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { return false }
            let count = buffer.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return true  // ECONNRESET and the like: closed too
            }
        }
    }

    func close() {
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
        }
    }
}
