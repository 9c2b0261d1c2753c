import CanonicalJSON
import Crypto
import HexEncoding

/// The central's Ed25519 key that signs certificates and status lists (RFC 8032, through
/// swift-crypto). Its public half is published as a JWK (RFC 8037) named by its RFC 7638
/// thumbprint, so a verifier finds it from the `kid` in each signature's header.
public struct CertificateSigningKey: Sendable {
    private let privateKey: Curve25519.Signing.PrivateKey

    /// The RFC 7638 thumbprint of the public JWK, base64url: the `kid` of every signature.
    public let kid: String

    private init(_ privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
        self.kid = Self.thumbprint(publicKey: Array(privateKey.publicKey.rawRepresentation))
    }

    /// A new random key.
    public static func generate() -> CertificateSigningKey {
        CertificateSigningKey(Curve25519.Signing.PrivateKey())
    }

    /// The key whose 32-byte private key (the RFC 8032 seed, JWK `d`) is `rawRepresentation`.
    public init(rawRepresentation: [UInt8]) throws {
        guard rawRepresentation.count == 32 else {
            throw CertificateError("a certificate signing key is 32 bytes, not \(rawRepresentation.count)")
        }
        do {
            self.init(try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation))
        } catch {
            throw CertificateError("the certificate signing key cannot be used: \(error)")
        }
    }

    public var rawRepresentation: [UInt8] { Array(privateKey.rawRepresentation) }

    /// The 32-byte Ed25519 public key.
    public var publicKey: [UInt8] { Array(privateKey.publicKey.rawRepresentation) }

    /// What the central publishes in its JWK Set:
    /// `{"kty":"OKP","crv":"Ed25519","x":…,"kid":…,"alg":"EdDSA","use":"sig"}`.
    public var publicJWK: JSONValue {
        ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(publicKey)), "kid": .string(kid), "alg": "EdDSA", "use": "sig"]
    }

    /// The 64-byte Ed25519 signature of `message`.
    func signature(for message: [UInt8]) -> [UInt8] {
        do {
            return Array(try privateKey.signature(for: message))
        } catch {
            // Signing with a valid key has no failure mode; reaching this is a broken crypto library.
            preconditionFailure("Ed25519 signing failed: \(error)")
        }
    }

    static func thumbprint(publicKey: [UInt8]) -> String {
        let jwk: JSONValue = ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(publicKey))]
        do {
            return try JWK.thumbprint(of: jwk)
        } catch {
            preconditionFailure("an OKP key with crv and x always has a thumbprint: \(error)")
        }
    }
}
