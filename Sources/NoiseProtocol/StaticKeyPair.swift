import Crypto

/// A long-term Curve25519 key pair identifying a node in Noise handshakes.
///
/// Store ``privateKeyBytes`` secretly and share ``publicKey``: central pins the field node's
/// public key at enrollment, and the field node pins central's.
public struct StaticKeyPair: Sendable {
    private let keyPair: Curve25519KeyPair

    /// A new random key pair.
    public init() {
        keyPair = Curve25519KeyPair()
    }

    /// A new random key pair.
    public static func generate() -> StaticKeyPair {
        StaticKeyPair()
    }

    /// The key pair whose private key is `privateKeyBytes`.
    ///
    /// - Throws: ``NoiseError/invalidKeyLength(what:expected:actual:)`` unless it is 32 bytes.
    public init(privateKeyBytes: [UInt8]) throws {
        keyPair = try Curve25519KeyPair(privateKeyBytes: privateKeyBytes, what: "static private key")
    }

    /// The 32-byte public key.
    public var publicKey: [UInt8] { keyPair.publicKey }

    /// The 32 raw bytes of the private key. Keep them secret.
    public var privateKeyBytes: [UInt8] { Array(keyPair.privateKey.rawRepresentation) }
}
