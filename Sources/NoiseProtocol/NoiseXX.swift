/// AuditSync's secure channel: `Noise_XX_25519_ChaChaPoly_SHA256` with the prologue `auditsync/1`.
///
/// In XX each side learns the other's static key during the handshake, encrypted; the caller must
/// compare ``HandshakeState/remoteStaticPublicKey`` with the pinned or registered key before it
/// trusts the peer. Message 1 carries an empty payload in clear; messages 2 and 3 carry encrypted
/// payloads.
public enum NoiseXX {
    /// The full Noise protocol name of AuditSync's channel.
    public static let protocolName = "Noise_XX_25519_ChaChaPoly_SHA256"

    /// The prologue both sides mix into the handshake: the UTF-8 bytes of `auditsync/1`.
    public static let prologue: [UInt8] = Array("auditsync/1".utf8)

    /// The XX handshake pattern.
    public static var pattern: HandshakePattern {
        HandshakePattern(
            protocolName: protocolName,
            name: "XX",
            initiatorPreMessage: HandshakePattern.xx.initiatorPreMessage,
            responderPreMessage: HandshakePattern.xx.responderPreMessage,
            messages: HandshakePattern.xx.messages
        )
    }

    /// The side that connects and sends message 1.
    public static func initiator(staticKey: StaticKeyPair) throws -> HandshakeState {
        try HandshakeState(pattern: pattern, initiator: true, prologue: prologue, s: staticKey.privateKeyBytes)
    }

    /// The side that accepts the connection and sends message 2.
    public static func responder(staticKey: StaticKeyPair) throws -> HandshakeState {
        try HandshakeState(pattern: pattern, initiator: false, prologue: prologue, s: staticKey.privateKeyBytes)
    }
}
