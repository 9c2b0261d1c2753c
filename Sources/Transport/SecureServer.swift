import HexEncoding
import NoiseProtocol
import WireProtocol

/// What a server's application decides and hears, on the loop thread.
public protocol SecureServerHandler: AnyObject {
    /// After the handshake proved who the peer is: nil admits it, an error refuses it (the
    /// error is sent inside the channel, then the connection closes).
    func admit(_ peer: SecureSession.Peer, on connection: SecureConnection) -> ChannelError?
    func received(_ message: WireMessage, on connection: SecureConnection)
    func closed(_ connection: SecureConnection, reason: String)
    /// The connection's outgoing queue drained after it was full: a sender that paused may go on.
    func becameWritable(_ connection: SecureConnection)
}

extension SecureServerHandler {
    public func becameWritable(_ connection: SecureConnection) {}
}

/// A TCP server whose every connection is a Noise XX channel: it holds many connections on one
/// loop, limits their number, times out stalled handshakes and idle peers, and on `stop` closes
/// every handle so the loop ends cleanly. A connection that misbehaves is closed with a logged
/// reason; the others carry on.
///
/// Configure and start from any thread; it lives on `loop`.
public final class SecureServer: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: UInt16
        public var staticKey: StaticKeyPair
        public var hello: Hello
        public var maxConnections = 1024
        public var limits = SecureConnection.Limits()

        public init(host: String, port: UInt16, staticKey: StaticKeyPair, hello: Hello) {
            self.host = host
            self.port = port
            self.staticKey = staticKey
            self.hello = hello
        }
    }

    public let loop: EventLoop
    public let configuration: Configuration
    private let handler: SecureServerHandler
    private let log: @Sendable (String) -> Void
    private var listener: TCPListener?
    private var connections: [ObjectIdentifier: SecureConnection] = [:]
    private var stopping = false

    private init(loop: EventLoop, configuration: Configuration, handler: SecureServerHandler,
                 log: @escaping @Sendable (String) -> Void) {
        self.loop = loop
        self.configuration = configuration
        self.handler = handler
        self.log = log
    }

    /// Binds and listens on `loop`; returns once listening, with the address actually bound.
    public static func start(on loop: EventLoop, configuration: Configuration, handler: SecureServerHandler,
                             log: @escaping @Sendable (String) -> Void) async throws -> (server: SecureServer, address: String) {
        let address = try SocketAddress.resolve(host: configuration.host, port: configuration.port)
        let server = SecureServer(loop: loop, configuration: configuration, handler: handler, log: log)
        let bound: String = try await withCheckedThrowingContinuation { continuation in
            let scheduled = loop.execute {
                do {
                    let listener = try TCPListener(loop: loop, host: configuration.host, port: configuration.port,
                                                   address: address) { [weak server] stream in server?.accept(stream) }
                    server.listener = listener
                    continuation.resume(returning: listener.boundAddress)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            if !scheduled { continuation.resume(throwing: TransportError.loopStopped) }
        }
        return (server, bound)
    }

    /// Connections currently open (read on the loop thread).
    public var connectionCount: Int {
        loop.assertInLoop()
        return connections.count
    }

    private func accept(_ stream: TCPStream) {
        guard !stopping else { return stream.close() }
        guard connections.count < configuration.maxConnections else {
            log("refused \(stream.peerAddress): \(configuration.maxConnections) connections already open")
            stream.close()
            return
        }
        let session: SecureSession
        do {
            session = try SecureSession(role: .responder, staticKey: configuration.staticKey, hello: configuration.hello,
                                        maxMessagePayload: configuration.limits.maxMessagePayload)
        } catch {
            log("cannot start a session: \(error)")
            return stream.close()
        }
        if let unsent = configuration.limits.unsentSocketBytes { stream.limitUnsentBytes(unsent) }
        let connection = SecureConnection(stream: stream, session: session, limits: configuration.limits, owner: self)
        connections[ObjectIdentifier(connection)] = connection
        connection.start()
    }

    /// Stops listening, tells every established peer the server is stopping, and closes every
    /// connection. Returns once they are closed; the loop can then be shut down.
    public func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let scheduled = loop.execute { [self] in
                stopping = true
                listener?.close()
                listener = nil
                for connection in connections.values {
                    connection.close(error: ChannelError(.shuttingDown, "the central is stopping; sync again later"))
                }
                waitForDrain(continuation)
            }
            if !scheduled { continuation.resume() }
        }
    }

    private func waitForDrain(_ continuation: CheckedContinuation<Void, Never>) {
        if connections.isEmpty { return continuation.resume() }
        // Closing connections flush their last message first; look again shortly.
        let timer = LoopTimer(loop: loop)
        timer.schedule(after: 5) { [self] in
            timer.close()
            waitForDrain(continuation)
        }
    }
}

extension SecureServer: SecureConnectionOwner {
    func connectionEstablished(_ connection: SecureConnection, peer: SecureSession.Peer) {
        if let refusal = handler.admit(peer, on: connection) {
            log("refused \(connection.address) (key \(ShortKey.text(peer.staticKey))): \(refusal.reason)")
            connection.close(error: refusal)
            return
        }
        log("connected \(connection.address): node \(Hex.encode(peer.hello.node)) \(peer.hello.name)")
    }

    func connection(_ connection: SecureConnection, received message: WireMessage) {
        handler.received(message, on: connection)
    }

    func connectionBecameWritable(_ connection: SecureConnection) {
        handler.becameWritable(connection)
    }

    func connectionClosed(_ connection: SecureConnection, reason: String) {
        connections.removeValue(forKey: ObjectIdentifier(connection))
        log("closed \(connection.address): \(reason)")
        handler.closed(connection, reason: reason)
    }
}

/// Keys in logs: enough hex to tell them apart.
enum ShortKey {
    static func text(_ bytes: [UInt8]) -> String {
        Hex.encode(bytes.prefix(8)) + "…"
    }
}
