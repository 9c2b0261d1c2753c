import NoiseProtocol
import WireProtocol

/// The client side of a secure connection, for Swift concurrency: connect, send, receive, close.
/// The connection itself lives on a loop; these methods hop to it and suspend until it answers.
///
/// `@unchecked Sendable`: its mutable state is touched only on the loop thread.
public final class SecureClient: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: UInt16
        public var staticKey: StaticKeyPair
        public var hello: Hello
        /// The central's static key as pinned at enrollment; nil accepts any (tests, tools).
        public var pinnedServerKey: [UInt8]?
        public var limits = SecureConnection.Limits()

        public init(host: String, port: UInt16, staticKey: StaticKeyPair, hello: Hello, pinnedServerKey: [UInt8]?) {
            self.host = host
            self.port = port
            self.staticKey = staticKey
            self.hello = hello
            self.pinnedServerKey = pinnedServerKey
        }
    }

    public let loop: EventLoop
    private var connection: SecureConnection?
    private var pendingConnect: CheckedContinuation<SecureSession.Peer, Error>?
    private var inbox: [WireMessage] = []
    private var receivers: [CheckedContinuation<WireMessage, Error>] = []
    private var writableWaiters: [CheckedContinuation<Void, Error>] = []
    private var closedReason: String?
    /// What the peer said in its `error` message, once one arrived. The peer closes right after
    /// it, so whichever call fails next — often a `send`, before the caller got to read the error
    /// from the inbox — carries it in its `ChannelClosed`.
    private var peerError: ChannelError?
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    public private(set) var peer: SecureSession.Peer?

    private init(loop: EventLoop) {
        self.loop = loop
    }

    deinit {
        // Released without `close()`: close on the loop, so the socket and timers do not linger.
        if let connection {
            loop.execute { connection.close(reason: "the client was released") }
        }
    }

    /// Connects, runs the handshake and returns once the channel is up.
    public static func connect(on loop: EventLoop, _ configuration: Configuration) async throws -> SecureClient {
        let address = try SocketAddress.resolve(host: configuration.host, port: configuration.port)
        let client = SecureClient(loop: loop)
        let session = try SecureSession(role: .initiator, staticKey: configuration.staticKey, hello: configuration.hello,
                                        pinnedPeerKey: configuration.pinnedServerKey,
                                        maxMessagePayload: configuration.limits.maxMessagePayload)
        let name = "\(configuration.host):\(configuration.port)"
        client.peer = try await withCheckedThrowingContinuation { continuation in
            let scheduled = loop.execute {
                client.pendingConnect = continuation
                TCPConnector.connect(on: loop, to: address, describedAs: name) { result in
                    switch result {
                    case .success(let stream):
                        let connection = SecureConnection(stream: stream, session: session, limits: configuration.limits,
                                                          owner: client)
                        client.connection = connection
                        connection.start()
                    case .failure(let error):
                        client.pendingConnect = nil
                        continuation.resume(throwing: error)
                    }
                }
            }
            if !scheduled { continuation.resume(throwing: TransportError.loopStopped) }
        }
        return client
    }

    /// Queues a message; suspends while the connection's outgoing queue is over its high-water
    /// mark, so a sender can never outrun the network by more than that.
    public func send(_ message: WireMessage) async throws {
        try await send(contentsOf: [message])
    }

    /// Queues several messages at once (they share Noise messages); suspends like `send`.
    public func send(contentsOf messages: [WireMessage]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            let scheduled = loop.execute { [self] in
                guard let connection, closedReason == nil, !connection.isClosing else {
                    return continuation.resume(throwing: closedError())
                }
                connection.send(contentsOf: messages)
                if connection.isWritable { continuation.resume() } else { writableWaiters.append(continuation) }
            }
            if !scheduled { continuation.resume(throwing: TransportError.loopStopped) }
        }
    }

    /// The next message from the peer (pings are answered on their own and never returned).
    /// An `error` message is returned like any other; once the messages that arrived are taken
    /// and the connection has closed, throws `ChannelClosed` with the reason (and the peer's
    /// error, if it sent one).
    public func receive() async throws -> WireMessage {
        try await withCheckedThrowingContinuation { continuation in
            let scheduled = loop.execute { [self] in
                if !inbox.isEmpty { return continuation.resume(returning: inbox.removeFirst()) }
                if closedReason != nil { return continuation.resume(throwing: closedError()) }
                receivers.append(continuation)
            }
            if !scheduled { continuation.resume(throwing: TransportError.loopStopped) }
        }
    }

    /// Closes the connection (flushing what was sent) and waits until it is closed.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let scheduled = loop.execute { [self] in
                if closedReason != nil { return continuation.resume() }
                closeWaiters.append(continuation)
                connection?.close(reason: "closed by this node")
            }
            if !scheduled { continuation.resume() }
        }
    }

    /// Bytes queued for sending and not yet written to the socket (read on the loop).
    public func pendingWriteBytes() async -> Int {
        await withCheckedContinuation { continuation in
            if !loop.execute({ [self] in continuation.resume(returning: connection?.pendingWriteBytes ?? 0) }) {
                continuation.resume(returning: 0)
            }
        }
    }
}

extension SecureClient: SecureConnectionOwner {
    func connectionEstablished(_ connection: SecureConnection, peer: SecureSession.Peer) {
        pendingConnect?.resume(returning: peer)
        pendingConnect = nil
    }

    func connection(_ connection: SecureConnection, received message: WireMessage) {
        // Refused before the caller ever had the connection (an unsupported version): the
        // refusal is the reason `connect` fails with.
        if let pending = pendingConnect, message.type == .error {
            pendingConnect = nil
            peerError = try? ChannelError(payload: message.payload)
            let reason = peerError.map { "refused: \($0)" } ?? "refused"
            pending.resume(throwing: ChannelClosed(reason: reason, peerError: peerError))
            connection.close(reason: reason)
            return
        }
        if message.type == .error, peerError == nil { peerError = try? ChannelError(payload: message.payload) }
        // A ping is the peer checking we are alive: answered here, never queued for the caller.
        if message.type == .ping {
            connection.send(WireMessage(.pong, message.payload))
            return
        }
        if receivers.isEmpty {
            inbox.append(message)
        } else {
            receivers.removeFirst().resume(returning: message)
        }
    }

    func connectionClosed(_ connection: SecureConnection, reason: String) {
        closedReason = reason
        pendingConnect?.resume(throwing: closedError())
        pendingConnect = nil
        for receiver in receivers { receiver.resume(throwing: closedError()) }
        receivers.removeAll()
        for waiter in writableWaiters { waiter.resume(throwing: closedError()) }
        writableWaiters.removeAll()
        for waiter in closeWaiters { waiter.resume() }
        closeWaiters.removeAll()
    }

    /// What a failing call throws once the connection is closed or closing.
    private func closedError() -> ChannelClosed {
        ChannelClosed(reason: closedReason ?? "closed", peerError: peerError, refusedPeer: connection?.localRefusal)
    }

    func connectionBecameWritable(_ connection: SecureConnection) {
        let waiters = writableWaiters
        writableWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }
}

/// The connection closed. `reason` says why as this side logged it ("closed by the peer"); when
/// the peer said why first, in an `error` message, `peerError` is that — the refusal a caller
/// acts on (re-enroll, free space, try later) — and the description gives its words.
public struct ChannelClosed: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public let peerError: ChannelError?
    /// This side refused the peer (its key is not the one pinned): not a network problem.
    public let refusedPeer: ChannelError?

    public init(reason: String, peerError: ChannelError? = nil, refusedPeer: ChannelError? = nil) {
        self.reason = reason
        self.peerError = peerError
        self.refusedPeer = refusedPeer
    }

    public var description: String {
        // A client's peer is always a central: only field nodes connect.
        if let peerError { return "the central closed the connection: \(peerError)" }
        return "connection closed: \(reason)"
    }
}
