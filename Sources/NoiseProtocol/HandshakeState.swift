/// One side of a Noise handshake (Noise §5.3): it writes and reads the handshake messages of its
/// pattern in turn, then yields the transport cipher states.
///
/// `HandshakeState` is a pure value: it does no I/O, and any transport (or a pair of arrays in a
/// test) can carry its messages. ``writeMessage(payload:)`` and ``readMessage(_:)`` are atomic: when
/// they throw, the state is exactly what it was before the call. The caller should still treat any
/// error as the end of the handshake and close the connection.
///
/// ```swift
/// var initiator = try HandshakeState(pattern: pattern, initiator: true, prologue: prologue, s: mine)
/// let message1 = try initiator.writeMessage(payload: [])
/// // … send message1, read message2, write message3 …
/// let (send, receive) = try initiator.split()
/// ```
public struct HandshakeState: Sendable {
    /// The handshake pattern and protocol name in use.
    public let pattern: HandshakePattern
    /// Whether this side started the handshake.
    public let isInitiator: Bool

    var symmetric: SymmetricState
    var s: Curve25519KeyPair?
    var e: Curve25519KeyPair?
    var rs: [UInt8]?
    var re: [UInt8]?
    let psks: [[UInt8]]
    var pskIndex = 0
    private var messageIndex = 0
    private var transport: (send: CipherState, receive: CipherState)?

    /// Sets up one side of a handshake (Initialize).
    ///
    /// - Parameters:
    ///   - pattern: The handshake pattern, parsed from the protocol name.
    ///   - initiator: Whether this side sends the first message.
    ///   - prologue: Bytes both sides must agree on; any difference makes the handshake fail.
    ///   - s: This side's static private key (32 bytes), when the pattern uses it.
    ///   - e: A fixed ephemeral private key, for test vectors only; otherwise one is generated.
    ///   - rs: The peer's static public key, when the pattern says it is known in advance.
    ///   - re: The peer's ephemeral public key, when the pattern says it is known in advance.
    ///   - psks: One 32-byte pre-shared key per `psk` token of the pattern, in order.
    /// - Throws: ``NoiseError/missingKey(_:)`` when the pattern needs a key that is absent,
    ///   ``NoiseError/invalidKeyLength(what:expected:actual:)``, and
    ///   ``NoiseError/pskCountMismatch(expected:actual:)``.
    public init(
        pattern: HandshakePattern,
        initiator: Bool,
        prologue: [UInt8] = [],
        s: [UInt8]? = nil,
        e: [UInt8]? = nil,
        rs: [UInt8]? = nil,
        re: [UInt8]? = nil,
        psks: [[UInt8]] = []
    ) throws {
        self.pattern = pattern
        self.isInitiator = initiator
        self.s = try s.map { try Curve25519KeyPair(privateKeyBytes: $0, what: "local static private key") }
        self.e = try e.map { try Curve25519KeyPair(privateKeyBytes: $0, what: "local ephemeral private key") }
        self.rs = try rs.map { try Self.checkedPublicKey($0, what: "remote static public key") }
        self.re = try re.map { try Self.checkedPublicKey($0, what: "remote ephemeral public key") }
        guard psks.count == pattern.pskCount else {
            throw NoiseError.pskCountMismatch(expected: pattern.pskCount, actual: psks.count)
        }
        for psk in psks where psk.count != NoiseConstants.keyLength {
            throw NoiseError.invalidKeyLength(what: "pre-shared key", expected: NoiseConstants.keyLength, actual: psk.count)
        }
        self.psks = psks
        symmetric = SymmetricState(protocolName: pattern.protocolName)
        try checkRequiredKeys()

        symmetric.mixHash(prologue)
        try mixPreMessage(pattern.initiatorPreMessage, sentByInitiator: true)
        try mixPreMessage(pattern.responderPreMessage, sentByInitiator: false)
    }

    /// Sets up one side of a handshake for a full protocol name such as
    /// `Noise_XX_25519_ChaChaPoly_SHA256`; see ``init(pattern:initiator:prologue:s:e:rs:re:psks:)``.
    public init(
        protocolName: String,
        initiator: Bool,
        prologue: [UInt8] = [],
        s: [UInt8]? = nil,
        e: [UInt8]? = nil,
        rs: [UInt8]? = nil,
        re: [UInt8]? = nil,
        psks: [[UInt8]] = []
    ) throws {
        try self.init(
            pattern: HandshakePattern(protocolName: protocolName),
            initiator: initiator, prologue: prologue, s: s, e: e, rs: rs, re: re, psks: psks
        )
    }

    /// Whether every handshake message has been written or read.
    public var isComplete: Bool { messageIndex >= pattern.messages.count }

    /// Whether the next handshake call on this side must be ``writeMessage(payload:)``.
    public var isMyTurnToWrite: Bool { !isComplete && (messageIndex % 2 == 0) == isInitiator }

    /// Whether the next handshake call on this side must be ``readMessage(_:)``.
    public var isMyTurnToRead: Bool { !isComplete && !isMyTurnToWrite }

    /// The handshake hash: after completion, the same on both sides and unique to this session.
    public var handshakeHash: [UInt8] { symmetric.handshakeHash }

    /// The peer's static public key, once known (in advance or from a handshake message). Check it
    /// against the expected or pinned key before trusting the peer.
    public var remoteStaticPublicKey: [UInt8]? { rs }

    /// The peer's ephemeral public key, once known.
    public var remoteEphemeralPublicKey: [UInt8]? { re }

    /// This side's static public key, if it has one.
    public var localStaticPublicKey: [UInt8]? { s?.publicKey }

    /// This side's ephemeral public key, once chosen.
    public var localEphemeralPublicKey: [UInt8]? { e?.publicKey }

    /// The transport cipher states for this side's role: `send` encrypts what this side sends,
    /// `receive` decrypts what the peer sends. In one-way patterns only the initiator sends.
    ///
    /// - Throws: ``NoiseError/handshakeNotComplete`` before the last handshake message.
    public func split() throws -> (send: CipherState, receive: CipherState) {
        guard let transport else { throw NoiseError.handshakeNotComplete }
        return transport
    }

    /// Writes the next handshake message with `payload` encrypted in it when a key is available
    /// (WriteMessage). The payload is sent in clear in messages before the first DH.
    ///
    /// - Throws: ``NoiseError/outOfTurn(expected:)``, ``NoiseError/handshakeAlreadyComplete``, or
    ///   ``NoiseError/messageTooLong(length:maximum:)`` when the message would exceed 65535 bytes.
    ///   On error the state is unchanged.
    public mutating func writeMessage(payload: [UInt8] = []) throws -> [UInt8] {
        guard !isComplete else { throw NoiseError.handshakeAlreadyComplete }
        guard isMyTurnToWrite else { throw NoiseError.outOfTurn(expected: "read") }
        guard payload.count <= NoiseConstants.maxMessageLength else {
            throw NoiseError.messageTooLong(length: payload.count, maximum: NoiseConstants.maxMessageLength)
        }
        var next = self
        var message: [UInt8] = []
        for token in pattern.messages[messageIndex] {
            try next.write(token, into: &message)
        }
        message += try next.symmetric.encryptAndHash(payload)
        guard message.count <= NoiseConstants.maxMessageLength else {
            throw NoiseError.messageTooLong(length: message.count, maximum: NoiseConstants.maxMessageLength)
        }
        try next.finishMessage()
        self = next
        return message
    }

    /// Reads the next handshake message from the peer and returns its payload (ReadMessage).
    ///
    /// - Throws: ``NoiseError/outOfTurn(expected:)``, ``NoiseError/handshakeAlreadyComplete``,
    ///   ``NoiseError/messageTooLong(length:maximum:)``,
    ///   ``NoiseError/messageTooShort(length:minimum:)``, ``NoiseError/decryptFailed`` and
    ///   ``NoiseError/invalidPublicKey`` for anything that is not a genuine message. On error the
    ///   state is unchanged.
    public mutating func readMessage(_ message: [UInt8]) throws -> [UInt8] {
        guard !isComplete else { throw NoiseError.handshakeAlreadyComplete }
        guard isMyTurnToRead else { throw NoiseError.outOfTurn(expected: "write") }
        guard message.count <= NoiseConstants.maxMessageLength else {
            throw NoiseError.messageTooLong(length: message.count, maximum: NoiseConstants.maxMessageLength)
        }
        let tokens = pattern.messages[messageIndex]
        let minimum = minimumLength(of: tokens)
        guard message.count >= minimum else {
            throw NoiseError.messageTooShort(length: message.count, minimum: minimum)
        }
        var next = self
        var reader = MessageReader(message)
        for token in tokens {
            try next.read(token, from: &reader)
        }
        let payload = try next.symmetric.decryptAndHash(reader.readRemaining())
        try next.finishMessage()
        self = next
        return payload
    }

    private mutating func finishMessage() throws {
        messageIndex += 1
        guard isComplete else { return }
        let (first, second) = try symmetric.split()
        transport = isInitiator ? (send: first, receive: second) : (send: second, receive: first)
    }

    private static func checkedPublicKey(_ key: [UInt8], what: String) throws -> [UInt8] {
        guard key.count == NoiseConstants.dhLength else {
            throw NoiseError.invalidKeyLength(what: what, expected: NoiseConstants.dhLength, actual: key.count)
        }
        return key
    }
}
