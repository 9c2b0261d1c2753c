/// Everything that can go wrong while parsing a Noise protocol name, setting up a handshake or
/// processing a Noise message.
///
/// Every malformed, truncated, oversized or forged input ends in one of these errors; none of them
/// traps. A connection that sees any of them should be closed with ``description`` as the logged
/// reason.
public enum NoiseError: Error, Equatable, Sendable {
    /// The protocol name is not of the form `Noise_<pattern>_<dh>_<cipher>_<hash>`.
    case malformedProtocolName(String)
    /// The handshake pattern (before any modifier) is not one this module knows.
    case unknownHandshakePattern(String)
    /// A pattern modifier other than `psk0`, `psk1`, … that fits the pattern.
    case unsupportedModifier(String)
    /// A DH function other than `25519`.
    case unsupportedDHFunction(String)
    /// A cipher function other than `ChaChaPoly`.
    case unsupportedCipherFunction(String)
    /// A hash function other than `SHA256`.
    case unsupportedHashFunction(String)
    /// A key, pre-shared key or public key of the wrong size.
    case invalidKeyLength(what: String, expected: Int, actual: Int)
    /// The pattern needs a key that was not supplied (or not yet received).
    case missingKey(String)
    /// The number of pre-shared keys does not match the pattern's `psk` tokens.
    case pskCountMismatch(expected: Int, actual: Int)
    /// A Diffie-Hellman with the peer's public key gave the all-zero output of a low-order point.
    case invalidPublicKey
    /// A message, or the message a payload would produce, is larger than the Noise maximum.
    case messageTooLong(length: Int, maximum: Int)
    /// A message ended before all of the fields its pattern requires.
    case messageTooShort(length: Int, minimum: Int)
    /// Authentication failed: the message was forged, corrupted, or the two sides disagree on
    /// keys or prologue.
    case decryptFailed
    /// The cipher's nonce reached 2^64−1; the connection must end and a new handshake start.
    case nonceExhausted
    /// `writeMessage` was called when it is the peer's turn to send, or `readMessage` when it is
    /// ours.
    case outOfTurn(expected: String)
    /// A handshake message was written or read after the handshake finished.
    case handshakeAlreadyComplete
    /// The transport cipher states were asked for before the handshake finished.
    case handshakeNotComplete
}

extension NoiseError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .malformedProtocolName(let name):
            return "malformed Noise protocol name '\(name)': expected Noise_<pattern>_<dh>_<cipher>_<hash>"
        case .unknownHandshakePattern(let name):
            return "unknown Noise handshake pattern '\(name)'"
        case .unsupportedModifier(let modifier):
            return "unsupported Noise pattern modifier '\(modifier)': only psk0…pskN within the pattern's messages are supported"
        case .unsupportedDHFunction(let name):
            return "unsupported Noise DH function '\(name)': only 25519 is supported"
        case .unsupportedCipherFunction(let name):
            return "unsupported Noise cipher function '\(name)': only ChaChaPoly is supported"
        case .unsupportedHashFunction(let name):
            return "unsupported Noise hash function '\(name)': only SHA256 is supported"
        case .invalidKeyLength(let what, let expected, let actual):
            return "invalid \(what): expected \(expected) bytes, got \(actual)"
        case .missingKey(let what):
            return "the handshake pattern needs the \(what), which was not supplied"
        case .pskCountMismatch(let expected, let actual):
            return "the handshake pattern uses \(expected) pre-shared key(s) but \(actual) were supplied"
        case .invalidPublicKey:
            return "the peer sent an invalid Curve25519 public key (low-order point); the handshake is aborted"
        case .messageTooLong(let length, let maximum):
            return "Noise message of \(length) bytes exceeds the maximum of \(maximum) bytes"
        case .messageTooShort(let length, let minimum):
            return "Noise message of \(length) bytes is too short: this message needs at least \(minimum) bytes"
        case .decryptFailed:
            return "Noise message failed authentication (bad MAC): it was corrupted or forged, or the peers disagree on keys or prologue"
        case .nonceExhausted:
            return "the cipher nonce is exhausted: close the connection and start a new handshake"
        case .outOfTurn(let expected):
            return "Noise handshake message out of turn: it is time to \(expected) a message"
        case .handshakeAlreadyComplete:
            return "the Noise handshake is already complete: use the transport cipher states"
        case .handshakeNotComplete:
            return "the Noise handshake is not complete yet: no transport cipher states"
        }
    }
}
