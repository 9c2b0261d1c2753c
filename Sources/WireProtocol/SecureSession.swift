import NoiseProtocol

/// One side of an AuditSync connection as a pure state machine: bytes from the socket go in,
/// bytes for the socket and events come out. It runs the `Noise_XX_25519_ChaChaPoly_SHA256`
/// handshake (prologue `auditsync/1`), exchanges hellos inside it, then seals and opens
/// application messages. No I/O: the transport, a test, or a fuzzer drives it.
///
/// Handshake: → e (empty payload) · ← e, ee, s, es + responder hello (versions it speaks)
/// · → s, se + initiator hello (the version it chose). After message 3 both sides hold
/// transport keys; the responder then checks the version (and its owner, the peer's key).
public struct SecureSession: Sendable {
    public enum Role: Sendable {
        case initiator
        case responder
    }

    /// Who is at the other end, as the handshake proved it.
    public struct Peer: Equatable, Sendable {
        /// The peer's static X25519 public key (32 bytes), authenticated by the handshake.
        public let staticKey: [UInt8]
        public let hello: Hello
        /// The protocol version the connection speaks.
        public let version: UInt16
    }

    public enum Event: Equatable, Sendable {
        /// Bytes to write to the socket, in order.
        case send([UInt8])
        /// The handshake finished; application messages may flow.
        case established(Peer)
        case message(WireMessage)
        /// Send what came before, then close: the session refused the peer for this reason.
        case close(ChannelError)
    }

    public enum Phase: Equatable, Sendable {
        case start, awaitingMessage1, awaitingMessage2, awaitingMessage3, established, closed
    }

    /// Payload bytes of one Noise transport message (its maximum less the 16-byte tag).
    public static let maxChunk = NoiseFrameDecoder.maxFrameLength - 16

    public let role: Role
    public private(set) var phase: Phase
    public private(set) var peer: Peer?
    private var handshake: HandshakeState
    private var sending: CipherState?
    private var receiving: CipherState?
    private var frames = NoiseFrameDecoder()
    /// Frames received whole since the session began. With `incompleteFrame`, it tells a
    /// transport timing frames whether the frame now incomplete is the one it saw before.
    public private(set) var framesReceived = 0
    private var messages: MessageDecoder
    private let hello: Hello
    private let pinnedPeerKey: [UInt8]?

    /// - Parameters:
    ///   - pinnedPeerKey: the static key the peer must prove (a field node pins its central's);
    ///     nil to accept any key and let the owner decide after `established`.
    public init(role: Role, staticKey: StaticKeyPair, hello: Hello, pinnedPeerKey: [UInt8]? = nil,
                maxMessagePayload: Int = MessageDecoder.defaultMaxPayload) throws {
        self.role = role
        self.hello = hello
        self.pinnedPeerKey = pinnedPeerKey
        messages = MessageDecoder(maxPayload: maxMessagePayload)
        handshake = role == .initiator ? try NoiseXX.initiator(staticKey: staticKey) : try NoiseXX.responder(staticKey: staticKey)
        phase = role == .initiator ? .start : .awaitingMessage1
    }

    /// The frame that has begun to arrive and is not whole yet (after `receive` returned); nil
    /// between frames.
    public var incompleteFrame: IncompleteFrame? { frames.incompleteFrame }

    /// The initiator's first bytes: Noise message 1, whose payload is empty (it travels in clear).
    public mutating func start() throws(SessionError) -> [UInt8] {
        guard role == .initiator, phase == .start else { throw .outOfTurn("start") }
        let message = try noise { try handshake.writeMessage(payload: []) }
        phase = .awaitingMessage2
        return NoiseFrameDecoder.encode(message)
    }

    /// Takes bytes from the socket, in any pieces; returns what they caused, in order. Once the
    /// session has closed (it refused the peer), further bytes are ignored, however they arrive.
    public mutating func receive<C: Collection>(_ bytes: C) throws(SessionError) -> [Event] where C.Element == UInt8 {
        guard phase != .closed else { return [] }
        frames.append(bytes)
        var events: [Event] = []
        do {
            loop: while true {
                switch phase {
                case .established:
                    // The hot path: each frame is decrypted in place, straight into the message buffer.
                    let decrypted: Void? = try frames.withNextFrame { frame in
                        try messages.append { plain in try receiving!.decryptWithAd([], ciphertext: frame, appendingTo: &plain) }
                    }
                    guard decrypted != nil else { break loop }
                    framesReceived += 1
                    while let message = try messages.nextMessage() { events.append(.message(message)) }
                case .closed:
                    break loop
                case .start, .awaitingMessage1, .awaitingMessage2, .awaitingMessage3:
                    guard let frame = try frames.nextFrame() else { break loop }
                    framesReceived += 1
                    try handle(frame, into: &events)
                }
            }
        } catch {
            throw closed(by: error)
        }
        return events
    }

    /// The same as the generic `receive`, for bytes that lie in memory (a socket's read buffer):
    /// while nothing is buffered, whole Noise messages are decrypted where they lie instead of
    /// being copied into the frame buffer first. Only a trailing partial frame is buffered.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer) throws(SessionError) -> [Event] {
        guard phase == .established, frames.bufferedCount == 0 else { return try receive(bytes[...]) }
        var events: [Event] = []
        var offset = 0
        do {
            while phase == .established, bytes.count - offset >= 2 {
                let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
                guard length > 0 else { throw FramingError.emptyFrame }
                guard bytes.count - offset - 2 >= length else { break }
                let frame = UnsafeRawBufferPointer(rebasing: bytes[offset + 2..<offset + 2 + length])
                try messages.append { plain in try receiving!.decryptWithAd([], ciphertext: frame, appendingTo: &plain) }
                offset += 2 + length
                framesReceived += 1
                while let message = try messages.nextMessage() { events.append(.message(message)) }
            }
        } catch {
            throw closed(by: error)
        }
        guard offset < bytes.count else { return events }
        return events + (try receive(bytes[offset...]))
    }

    /// The wire bytes of one application message: as many Noise messages as its size needs.
    public mutating func seal(_ message: WireMessage) throws(SessionError) -> [UInt8] {
        try sealRaw(message.encoded())
    }

    /// The wire bytes of several messages sent together: they share Noise messages, so many
    /// small messages cost a few encryptions instead of one each.
    public mutating func seal(contentsOf messages: [WireMessage]) throws(SessionError) -> [UInt8] {
        var plain: [UInt8] = []
        plain.reserveCapacity(messages.reduce(0) { $0 + WireMessage.headerLength + $1.payload.count })
        for message in messages { message.encode(into: &plain) }
        return try sealRaw(plain)
    }

    /// The wire bytes of `messages` in a buffer the caller takes ownership of (and must
    /// deallocate): the transport hands it to the socket without another copy.
    public mutating func sealForWriting(_ messages: [WireMessage]) throws(SessionError) -> UnsafeMutableRawBufferPointer {
        guard phase == .established, sending != nil else { throw .outOfTurn("send before the handshake finished") }
        var plain: [UInt8] = []
        plain.reserveCapacity(messages.reduce(0) { $0 + WireMessage.headerLength + $1.payload.count })
        for message in messages { message.encode(into: &plain) }
        let chunks = (plain.count + SecureSession.maxChunk - 1) / SecureSession.maxChunk
        let wire = UnsafeMutableRawBufferPointer.allocate(byteCount: plain.count + chunks * 18, alignment: 1)
        var offset = 0
        var written = 0
        do {
            while offset < plain.count {
                let end = min(offset + SecureSession.maxChunk, plain.count)
                let length = end - offset + 16
                wire[written] = UInt8(length >> 8)
                wire[written + 1] = UInt8(length & 0xFF)
                written += 2
                written += try sending!.encryptWithAd([], plaintext: plain[offset..<end],
                                                      into: UnsafeMutableRawBufferPointer(rebasing: wire[written...]))
                offset = end
            }
        } catch {
            wire.deallocate()
            throw .noise("\(error)")
        }
        return wire
    }

    /// Encrypts any plaintext bytes as the channel's stream: tests use it to send what a
    /// well-formed message never would.
    mutating func sealRaw(_ plain: [UInt8]) throws(SessionError) -> [UInt8] {
        guard phase == .established, sending != nil else { throw .outOfTurn("send before the handshake finished") }
        var wire: [UInt8] = []
        wire.reserveCapacity(plain.count + (plain.count / SecureSession.maxChunk + 1) * 18)
        var offset = 0
        while offset < plain.count {
            let end = min(offset + SecureSession.maxChunk, plain.count)
            let length = end - offset + 16
            wire.append(UInt8(length >> 8))
            wire.append(UInt8(length & 0xFF))
            try noise { try sending!.encryptWithAd([], plaintext: plain[offset..<end], appendingTo: &wire) }
            offset = end
        }
        return wire
    }

    private mutating func handle(_ frame: [UInt8], into events: inout [Event]) throws {
        switch phase {
        case .awaitingMessage1:
            let payload = try handshake.readMessage(frame)
            guard payload.isEmpty else { throw SessionError.handshake("message 1 carries a payload; it must be empty") }
            let reply = try handshake.writeMessage(payload: hello.encoded())
            events.append(.send(NoiseFrameDecoder.encode(reply)))
            phase = .awaitingMessage3
        case .awaitingMessage2:
            let theirs = try Hello(decoding: try handshake.readMessage(frame))
            let key = handshake.remoteStaticPublicKey ?? []
            if let pinnedPeerKey, pinnedPeerKey != key {
                throw SessionError.refused(ChannelError(.keyMismatch, "the central's key is not the one pinned at enrollment"))
            }
            // The newest version both speak. With none in common, still finish the handshake,
            // naming our own newest, so the responder can say why it refuses, encrypted.
            let common = hello.versions.filter(theirs.versions.contains)
            let version = common.max() ?? hello.versions.max() ?? ProtocolVersion.current
            var ours = hello
            ours.versions = [version]
            let reply = try handshake.writeMessage(payload: ours.encoded())
            events.append(.send(NoiseFrameDecoder.encode(reply)))
            // Without a common version the channel still comes up — to carry the responder's
            // refusal — but is never reported established.
            let peer = common.isEmpty ? nil : Peer(staticKey: key, hello: theirs, version: version)
            try finishHandshake(peer: peer, into: &events)
        case .awaitingMessage3:
            let theirs = try Hello(decoding: try handshake.readMessage(frame))
            let key = handshake.remoteStaticPublicKey ?? []
            guard theirs.versions.count == 1, let version = theirs.versions.first, hello.versions.contains(version) else {
                try finishHandshake(peer: nil, into: &events)
                let refusal = ChannelError(.unsupportedVersion,
                    "this central speaks protocol versions \(hello.versions.map(String.init).joined(separator: ", ")); "
                    + "the node offered \(theirs.versions.map(String.init).joined(separator: ", ")); upgrade AuditSync on the node")
                events.append(.send(try seal(refusal.message)))
                events.append(.close(refusal))
                phase = .closed
                return
            }
            try finishHandshake(peer: Peer(staticKey: key, hello: theirs, version: version), into: &events)
        case .start, .established, .closed:
            throw SessionError.outOfTurn("a handshake message outside the handshake")
        }
    }

    private mutating func finishHandshake(peer: Peer?, into events: inout [Event]) throws {
        (sending, receiving) = try handshake.split()
        phase = .established
        self.peer = peer
        if let peer { events.append(.established(peer)) }
    }

    /// Closes the session after a failure and says why in the session's words.
    private mutating func closed(by error: any Error) -> SessionError {
        phase = .closed
        switch error {
        case let error as SessionError: return error
        case let error as FramingError: return .framing(error)
        default: return .noise("\(error)")
        }
    }

    private func noise<T>(_ body: () throws -> T) throws(SessionError) -> T {
        do {
            return try body()
        } catch {
            throw .noise("\(error)")
        }
    }
}

/// Why a session ended; the connection closes with this reason in the log.
public enum SessionError: Error, Equatable, Sendable, CustomStringConvertible {
    case framing(FramingError)
    /// Decryption or handshake cryptography failed (a bad MAC, a replayed or reordered message).
    case noise(String)
    case handshake(String)
    case refused(ChannelError)
    case outOfTurn(String)

    public var description: String {
        switch self {
        case .framing(let error): "framing: \(error)"
        case .noise(let reason): "secure channel: \(reason)"
        case .handshake(let reason): "handshake: \(reason)"
        case .refused(let error): "refused: \(error)"
        case .outOfTurn(let what): "out of turn: \(what)"
        }
    }
}
