import Crypto

/// A ChaChaPoly key and the 64-bit nonce that goes with it (Noise §5.1).
///
/// Each encryption or decryption uses the current nonce and then increments it, so the two ends
/// of a one-directional stream must process messages in the same order. The nonce value 2^64−1 is
/// reserved: once it is reached every further ``encryptWithAd(_:plaintext:)`` and
/// ``decryptWithAd(_:ciphertext:)`` throws ``NoiseError/nonceExhausted``, and the connection must
/// end. A decryption that fails authentication throws ``NoiseError/decryptFailed`` and leaves the
/// nonce where it was.
///
/// Ciphertexts are the encrypted bytes followed by the 16-byte tag; the nonce is never sent.
public struct CipherState: Sendable {
    private(set) var key: SymmetricKey?

    /// The nonce the next encryption or decryption will use.
    public private(set) var nonce: UInt64 = 0

    /// A cipher state without a key: encryption and decryption return their input unchanged.
    public init() {}

    /// A cipher state holding `key` with nonce 0 (InitializeKey).
    ///
    /// - Throws: ``NoiseError/invalidKeyLength(what:expected:actual:)`` unless `key` is 32 bytes.
    public init(key: [UInt8]) throws {
        try initializeKey(key)
    }

    /// Sets the key and resets the nonce to 0 (InitializeKey).
    ///
    /// - Throws: ``NoiseError/invalidKeyLength(what:expected:actual:)`` unless `key` is 32 bytes.
    public mutating func initializeKey(_ key: [UInt8]) throws {
        guard key.count == NoiseConstants.keyLength else {
            throw NoiseError.invalidKeyLength(what: "cipher key", expected: NoiseConstants.keyLength, actual: key.count)
        }
        self.key = SymmetricKey(data: key)
        nonce = 0
    }

    /// Whether a key has been set (HasKey).
    public var hasKey: Bool { key != nil }

    /// Sets the nonce (SetNonce), for protocols that carry it out of band. Setting it to a value
    /// already used with the same key breaks ChaChaPoly's security.
    public mutating func setNonce(_ nonce: UInt64) {
        self.nonce = nonce
    }

    /// Encrypts `plaintext` and authenticates `ad` with it (EncryptWithAd), then increments the
    /// nonce. Without a key, returns `plaintext` unchanged and leaves the nonce alone.
    ///
    /// - Throws: ``NoiseError/nonceExhausted`` when the nonce has reached 2^64−1, and
    ///   ``NoiseError/messageTooLong(length:maximum:)`` when the result would not fit in one Noise
    ///   message.
    public mutating func encryptWithAd(_ ad: [UInt8], plaintext: [UInt8]) throws -> [UInt8] {
        let length = plaintext.count + (hasKey ? NoiseConstants.tagLength : 0)
        guard length <= NoiseConstants.maxMessageLength else {
            throw NoiseError.messageTooLong(length: length, maximum: NoiseConstants.maxMessageLength)
        }
        guard let key else { return plaintext }
        guard nonce != .max else { throw NoiseError.nonceExhausted }
        let ciphertext = try Self.encrypt(key: key, nonce: nonce, ad: ad, plaintext: plaintext)
        nonce += 1
        return ciphertext
    }

    /// Checks and decrypts `ciphertext` with `ad` (DecryptWithAd), then increments the nonce.
    /// Without a key, returns `ciphertext` unchanged and leaves the nonce alone.
    ///
    /// - Throws: ``NoiseError/decryptFailed`` when authentication fails (the nonce does not move),
    ///   ``NoiseError/messageTooShort(length:minimum:)`` when there is no room for a tag,
    ///   ``NoiseError/messageTooLong(length:maximum:)`` when `ciphertext` is larger than a Noise
    ///   message, and ``NoiseError/nonceExhausted`` when the nonce has reached 2^64−1.
    public mutating func decryptWithAd(_ ad: [UInt8], ciphertext: [UInt8]) throws -> [UInt8] {
        guard ciphertext.count <= NoiseConstants.maxMessageLength else {
            throw NoiseError.messageTooLong(length: ciphertext.count, maximum: NoiseConstants.maxMessageLength)
        }
        guard let key else { return ciphertext }
        guard nonce != .max else { throw NoiseError.nonceExhausted }
        guard ciphertext.count >= NoiseConstants.tagLength else {
            throw NoiseError.messageTooShort(length: ciphertext.count, minimum: NoiseConstants.tagLength)
        }
        let tagStart = ciphertext.count - NoiseConstants.tagLength
        let plaintext: [UInt8]
        do {
            let box = try ChaChaPoly.SealedBox(
                nonce: Self.chaChaNonce(nonce),
                ciphertext: ciphertext[..<tagStart],
                tag: ciphertext[tagStart...]
            )
            plaintext = Array(try ChaChaPoly.open(box, using: key, authenticating: ad))
        } catch {
            throw NoiseError.decryptFailed
        }
        nonce += 1
        return plaintext
    }

    /// Replaces the key with one derived from it (Rekey): the first 32 bytes of the encryption of
    /// 32 zero bytes under the reserved nonce 2^64−1. The nonce is not changed. Does nothing without
    /// a key.
    public mutating func rekey() throws {
        guard let key else { return }
        let next = try Self.encrypt(key: key, nonce: .max, ad: [], plaintext: [UInt8](repeating: 0, count: 32))
        self.key = SymmetricKey(data: next[..<NoiseConstants.keyLength])
    }

    private static func encrypt(key: SymmetricKey, nonce: UInt64, ad: [UInt8], plaintext: [UInt8]) throws -> [UInt8] {
        let box = try ChaChaPoly.seal(plaintext, using: key, nonce: chaChaNonce(nonce), authenticating: ad)
        // `box.combined` would prefix the nonce; Noise sends only ciphertext and tag.
        return Array(box.ciphertext) + Array(box.tag)
    }

    /// The 96-bit ChaChaPoly nonce Noise uses: 32 zero bits, then the counter little-endian.
    private static func chaChaNonce(_ counter: UInt64) throws -> ChaChaPoly.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 {
            bytes[4 + index] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(index)))
        }
        return try ChaChaPoly.Nonce(data: bytes)
    }
}
