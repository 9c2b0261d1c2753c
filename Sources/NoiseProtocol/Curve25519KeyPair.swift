import Crypto

/// A Curve25519 key pair as the handshake uses it, for the static key and the ephemeral one.
struct Curve25519KeyPair: Sendable {
    let privateKey: Curve25519.KeyAgreement.PrivateKey
    let publicKey: [UInt8]

    /// A new random key pair (GENERATE_KEYPAIR).
    init() {
        self.init(privateKey: Curve25519.KeyAgreement.PrivateKey())
    }

    init(privateKey: Curve25519.KeyAgreement.PrivateKey) {
        self.privateKey = privateKey
        self.publicKey = Array(privateKey.publicKey.rawRepresentation)
    }

    /// The key pair for 32 raw private key bytes.
    init(privateKeyBytes: [UInt8], what: String) throws {
        guard privateKeyBytes.count == NoiseConstants.dhLength else {
            throw NoiseError.invalidKeyLength(what: what, expected: NoiseConstants.dhLength, actual: privateKeyBytes.count)
        }
        do {
            try self.init(privateKey: Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKeyBytes))
        } catch {
            throw NoiseError.invalidKeyLength(what: what, expected: NoiseConstants.dhLength, actual: privateKeyBytes.count)
        }
    }

    /// DH(key pair, public key): the X25519 shared secret with `publicKey`.
    ///
    /// swift-crypto returns the all-zero secret for low-order points instead of failing; Noise
    /// allows either, and refusing it here means a peer can never force a known DH output.
    func sharedSecret(with publicKey: [UInt8]) throws -> [UInt8] {
        guard publicKey.count == NoiseConstants.dhLength,
              let peer = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey),
              let secret = try? privateKey.sharedSecretFromKeyAgreement(with: peer)
        else {
            throw NoiseError.invalidPublicKey
        }
        let bytes = secret.withUnsafeBytes { Array($0) }
        // Accumulate over every byte so the check takes the same time whatever the secret is.
        guard bytes.reduce(0, |) != 0 else { throw NoiseError.invalidPublicKey }
        return bytes
    }
}
