/// Sizes fixed by the Noise specification and by the functions this module implements
/// (25519, ChaChaPoly, SHA256).
public enum NoiseConstants {
    /// The largest Noise message, handshake or transport, in bytes. Anything larger must be split
    /// by the layer above.
    public static let maxMessageLength = 65_535
    /// The size of a ChaChaPoly authentication tag appended to every ciphertext.
    public static let tagLength = 16
    /// The size of a Curve25519 public key (DHLEN).
    public static let dhLength = 32
    /// The size of a SHA256 output (HASHLEN), and of the handshake hash.
    public static let hashLength = 32
    /// The size of a symmetric key, and of a pre-shared key.
    public static let keyLength = 32
    /// The largest plaintext that fits in one encrypted Noise transport message.
    public static let maxPlaintextLength = maxMessageLength - tagLength
}
