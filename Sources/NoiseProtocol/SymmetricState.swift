import Crypto

/// The chaining key, handshake hash and cipher state a handshake evolves (Noise §5.2), with
/// SHA256 as HASH and HKDF built from HMAC-SHA256 as the specification defines it.
///
/// Every handshake token mixes into this state; both peers end with the same handshake hash and,
/// through ``split()``, the same pair of transport cipher states.
public struct SymmetricState: Sendable {
    private var chainingKey: [UInt8]
    private var hash: [UInt8]
    private var cipher = CipherState()

    /// Starts from `protocolName` (InitializeSymmetric): the handshake hash is the name padded with
    /// zeros to 32 bytes, or its SHA256 when longer; the chaining key starts equal to it.
    public init(protocolName: String) {
        let name = Array(protocolName.utf8)
        if name.count <= NoiseConstants.hashLength {
            hash = name + [UInt8](repeating: 0, count: NoiseConstants.hashLength - name.count)
        } else {
            hash = Self.sha256(name)
        }
        chainingKey = hash
    }

    /// The handshake hash so far (GetHandshakeHash). After the handshake it identifies the session
    /// and can be signed or compared to bind the channel.
    public var handshakeHash: [UInt8] { hash }

    /// Whether the cipher state has a key, i.e. whether payloads and static keys are now encrypted.
    public var hasKey: Bool { cipher.hasKey }

    /// Mixes `inputKeyMaterial` (a DH output, or an ephemeral key in psk handshakes) into the
    /// chaining key and rekeys the cipher state with the derived key (MixKey).
    public mutating func mixKey(_ inputKeyMaterial: [UInt8]) throws {
        let outputs = Self.hkdf(chainingKey: chainingKey, inputKeyMaterial: inputKeyMaterial, count: 2)
        chainingKey = outputs[0]
        try cipher.initializeKey(outputs[1])
    }

    /// Sets the handshake hash to SHA256(h ‖ data) (MixHash).
    public mutating func mixHash(_ data: [UInt8]) {
        hash = Self.sha256(hash + data)
    }

    /// Mixes a pre-shared key into both the chaining key and the handshake hash, and rekeys the
    /// cipher state (MixKeyAndHash).
    public mutating func mixKeyAndHash(_ inputKeyMaterial: [UInt8]) throws {
        let outputs = Self.hkdf(chainingKey: chainingKey, inputKeyMaterial: inputKeyMaterial, count: 3)
        chainingKey = outputs[0]
        mixHash(outputs[1])
        try cipher.initializeKey(outputs[2])
    }

    /// Encrypts `plaintext` with the handshake hash as associated data, then mixes the ciphertext
    /// into the hash (EncryptAndHash). Without a key the plaintext is sent, and hashed, as is.
    public mutating func encryptAndHash(_ plaintext: [UInt8]) throws -> [UInt8] {
        let ciphertext = try cipher.encryptWithAd(hash, plaintext: plaintext)
        mixHash(ciphertext)
        return ciphertext
    }

    /// Decrypts `ciphertext` with the handshake hash as associated data, then mixes the ciphertext
    /// into the hash (DecryptAndHash).
    ///
    /// - Throws: ``NoiseError/decryptFailed`` when authentication fails; the state is unchanged.
    public mutating func decryptAndHash(_ ciphertext: [UInt8]) throws -> [UInt8] {
        let plaintext = try cipher.decryptWithAd(hash, ciphertext: ciphertext)
        mixHash(ciphertext)
        return plaintext
    }

    /// Derives the two transport cipher states (Split): the initiator sends with the first and
    /// receives with the second; the responder the other way round.
    public func split() throws -> (CipherState, CipherState) {
        let outputs = Self.hkdf(chainingKey: chainingKey, inputKeyMaterial: [], count: 2)
        return (try CipherState(key: outputs[0]), try CipherState(key: outputs[1]))
    }

    /// HKDF(chaining_key, input_key_material, num_outputs) of Noise §4.3, giving 2 or 3 outputs of
    /// 32 bytes each.
    static func hkdf(chainingKey: [UInt8], inputKeyMaterial: [UInt8], count: Int) -> [[UInt8]] {
        let tempKey = hmac(key: chainingKey, data: inputKeyMaterial)
        var outputs: [[UInt8]] = []
        var previous: [UInt8] = []
        for index in 1...count {
            previous = hmac(key: tempKey, data: previous + [UInt8(index)])
            outputs.append(previous)
        }
        return outputs
    }

    static func hmac(key: [UInt8], data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    static func sha256(_ data: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: data))
    }
}
