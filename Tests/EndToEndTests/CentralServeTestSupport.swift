import CentralNode
import Foundation
import Glibc
import NoiseProtocol
import TestSupport
import Transport
import WireProtocol
import XCTest

/// The fixtures of the `central serve` tests: an initialised central, a started server, enrolled
/// field-node clients, and assertions on pings, refusals, clean stops and the database.
extension CentralServeTests {
    /// An initialised central data directory (inside the returned scratch directory).
    func makeCentral(file: StaticString = #filePath, line: UInt = #line) throws -> (ScratchDirectory, URL) {
        let scratch = try ScratchDirectory(prefix: "auditsync-serve")
        let data = scratch.appending("central")
        let result = try CLI.run(["central", "init", "--name", Self.centralName, "--listen", "127.0.0.1:0",
                                  "--data", data.path])
        XCTAssertEqual(result.status, 0, "central init\n\(result)", file: file, line: line)
        return (scratch, data)
    }

    /// Starts `central serve --listen 127.0.0.1:0 --data DATA` (plus `extra`) and waits for it to
    /// be ready; returns the process and the port it reported.
    func startServer(data: URL, listen: String = "127.0.0.1:0", extra: [String] = [],
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
    func centralKey(_ data: URL) throws -> [UInt8] {
        try StaticKeyFile.loadOrCreate(in: data).publicKey
    }

    /// Registers a field node's key at the central, from this process, as enrollment does.
    func enroll(_ key: StaticKeyPair, as node: UInt64, in data: URL, auditor: String = "alice") throws {
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

    func fieldConfiguration(port: UInt16, key: StaticKeyPair, node: UInt64 = fieldNode,
                            pinned: [UInt8]?) -> SecureClient.Configuration {
        SecureClient.Configuration(
            host: "127.0.0.1", port: port, staticKey: key,
            hello: Hello(versions: ProtocolVersion.supported, node: node, role: .field, name: "field laptop"),
            pinnedServerKey: pinned)
    }

    func connect(_ loop: EventLoop, _ configuration: SecureClient.Configuration) async throws -> SecureClient {
        try await within(10, "handshake with the central") { try await SecureClient.connect(on: loop, configuration) }
    }

    func receive(_ client: SecureClient, _ what: String, seconds: TimeInterval = 10) async throws -> WireMessage {
        try await within(seconds, what) { try await client.receive() }
    }

    /// Sends a ping with `payload` and asserts the identical pong comes back.
    func assertPingPong(_ client: SecureClient, payload: [UInt8], file: StaticString = #filePath,
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
    func assertRefused(_ client: SecureClient, code: ChannelError.Code, file: StaticString = #filePath,
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

    func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Stops the server with `signal` and asserts a clean stop: status 0, `stopped` last on stderr.
    func assertStopsCleanly(_ server: ServerProcess, signal: Int32, name: String,
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
    func assertDatabaseIntact(_ data: URL, file: StaticString = #filePath, line: UInt = #line) throws {
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
}

// MARK: - Helpers

enum ServeTestError: Error, CustomStringConvertible {
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
func within<T: Sendable>(_ seconds: TimeInterval, _ what: String,
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
