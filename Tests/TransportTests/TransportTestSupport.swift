import Foundation
import Glibc
import NoiseProtocol
@testable import WireProtocol
import XCTest

@testable import Transport

/// A server handler for tests: admits the keys it is told to, answers ping with pong (or does
/// what a test told it to with `react`), and records why each connection closed.
final class RecordingHandler: SecureServerHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var admitted: Set<[UInt8]>
    private var reasons: [String] = []
    private var reaction: (@Sendable (WireMessage, SecureConnection) -> Void)?
    private(set) var maxPendingWriteBytes = 0

    init(admitting keys: [[UInt8]]) {
        admitted = Set(keys)
    }

    func admit(_ peer: SecureSession.Peer, on connection: SecureConnection) -> ChannelError? {
        lock.withLock { admitted.contains(peer.staticKey) } ? nil : ChannelError(.unknownNode, "not enrolled here")
    }

    /// From now on, every message received runs `reaction` (on the server's loop) instead of the
    /// default answer: a test's central refuses, stays silent or sends what no central would.
    func react(_ reaction: @escaping @Sendable (WireMessage, SecureConnection) -> Void) {
        lock.withLock { self.reaction = reaction }
    }

    func received(_ message: WireMessage, on connection: SecureConnection) {
        if let reaction = lock.withLock({ reaction }) {
            reaction(message, connection)
        } else if message.type == .ping {
            connection.send(WireMessage(.pong, message.payload))
        }
        lock.withLock { maxPendingWriteBytes = max(maxPendingWriteBytes, connection.pendingWriteBytes) }
    }

    func closed(_ connection: SecureConnection, reason: String) {
        lock.withLock { reasons.append(reason) }
    }

    var closeReasons: [String] { lock.withLock { reasons } }
    var peakPendingWriteBytes: Int { lock.withLock { maxPendingWriteBytes } }

    /// Waits until at least `count` connections have closed; returns how many have.
    func waitForCloses(_ count: Int, timeout: TimeInterval = 10) -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while closeReasons.count < count && Date() < deadline { usleep(10_000) }
        return closeReasons.count
    }

    /// Waits until a close reason matching `predicate` was recorded.
    func waitForClose(timeout: TimeInterval = 10, _ predicate: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let reason = closeReasons.first(where: predicate) { return reason }
            usleep(10_000)
        }
        return nil
    }
}

/// A running server on its own loop, and the keys around it.
final class ServerFixture: @unchecked Sendable {
    let loop = EventLoop(name: "test-server")
    let serverKey = StaticKeyPair.generate()
    let clientKey = StaticKeyPair.generate()
    let handler: RecordingHandler
    private(set) var server: SecureServer!
    private(set) var port: UInt16 = 0
    let logLines = LogLines()

    init(limits: SecureConnection.Limits = SecureConnection.Limits(), maxConnections: Int = 1024,
         admitting extraKeys: [[UInt8]] = []) async throws {
        handler = RecordingHandler(admitting: [clientKey.publicKey] + extraKeys)
        var configuration = SecureServer.Configuration(
            host: "127.0.0.1", port: 0, staticKey: serverKey,
            hello: Hello(versions: ProtocolVersion.supported, node: 0xC0FFEE, role: .central, name: "test central"))
        configuration.limits = limits
        configuration.maxConnections = maxConnections
        let lines = logLines
        let started = try await SecureServer.start(on: loop, configuration: configuration, handler: handler) { lines.append($0) }
        server = started.server
        port = UInt16(started.address.split(separator: ":").last!)!
    }

    func clientConfiguration(key: StaticKeyPair? = nil, versions: [UInt16] = ProtocolVersion.supported,
                             pinned: [UInt8]? = nil) -> SecureClient.Configuration {
        let key = key ?? clientKey
        return SecureClient.Configuration(
            host: "127.0.0.1", port: port, staticKey: key,
            hello: Hello(versions: versions, node: 0xF1E1D, role: .field, name: "test field"),
            pinnedServerKey: pinned ?? serverKey.publicKey)
    }

    func stop() async {
        await server.stop()
        loop.shutdown()
    }
}

final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

/// A plain blocking TCP socket, for sending bytes no well-behaved client would.
final class RawSocket: @unchecked Sendable {
    let descriptor: Int32

    init(port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else { throw TransportError.closed }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(descriptor) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// Reads until `count` bytes arrived or the peer closed; returns what came.
    func receive(atMost count: Int = 1 << 16) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let received = buffer.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, count, 0) }
        return received > 0 ? Array(buffer.prefix(received)) : []
    }

    /// True once the peer has closed the connection (recv returns 0 or a reset).
    func waitForClose() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let received = buffer.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, 4096, 0) }
            if received == 0 { return true }
            if received < 0 { return errno == ECONNRESET }
        }
    }
}

/// Drives an initiator session over a raw socket, so tests can tamper with what it sends.
struct RawSessionClient {
    let socket: RawSocket
    var session: SecureSession

    init(port: UInt16, key: StaticKeyPair, versions: [UInt16] = ProtocolVersion.supported) throws {
        socket = try RawSocket(port: port)
        session = try SecureSession(role: .initiator, staticKey: key,
                                    hello: Hello(versions: versions, node: 0xF1E1D, role: .field, name: "raw"))
    }

    /// Runs the handshake; returns the events of the last step.
    mutating func handshake() throws -> [SecureSession.Event] {
        socket.send(try session.start())
        while true {
            let bytes = socket.receive()
            guard !bytes.isEmpty else { throw TransportError.closed }
            let events = try session.receive(bytes)
            for case .send(let reply) in events { socket.send(reply) }
            if events.contains(where: { if case .established = $0 { true } else { false } }) { return events }
        }
    }

    /// Reads until a message arrives or the connection closes.
    mutating func nextMessage() throws -> WireMessage? {
        while true {
            let bytes = socket.receive()
            if bytes.isEmpty { return nil }
            for case .message(let message) in try session.receive(bytes) { return message }
        }
    }
}
