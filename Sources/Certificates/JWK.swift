import CanonicalJSON
import Crypto
import HexEncoding

/// JSON Web Keys (RFC 7517) as far as certificates need them: the RFC 7638 thumbprint that names
/// a key, and reading an Ed25519 public key (RFC 8037: key type `OKP`, curve `Ed25519`).
public enum JWK {
    /// The members RFC 7638 §3.2 hashes, by key type.
    private static let requiredMembers: [String: [String]] = [
        "EC": ["crv", "kty", "x", "y"],
        "OKP": ["crv", "kty", "x"],
        "RSA": ["e", "kty", "n"],
        "oct": ["k", "kty"],
    ]

    /// The RFC 7638 thumbprint (SHA-256, base64url): the hash of the key's required members only,
    /// in name order with no whitespace, so that `kid`, `alg`, `use` and member order never change it.
    public static func thumbprint(of jwk: JSONValue) throws -> String {
        guard case .string(let type)? = jwk["kty"] else { throw CertificateError("the key has no key type (kty)") }
        guard let names = requiredMembers[type] else {
            throw CertificateError("a thumbprint of a key of type \(type) is not defined; RFC 7638 covers EC, OKP, RSA and oct")
        }
        var members: [String: JSONValue] = [:]
        for name in names {
            guard case .string(let value)? = jwk[name] else {
                throw CertificateError("the \(type) key has no \(name), which its thumbprint needs")
            }
            members[name] = .string(value)
        }
        // The canonical compact encoding is exactly RFC 7638's form: names sorted, no whitespace.
        let digest = SHA256.hash(data: Array(JSONValue.object(members).encoded(pretty: false).utf8))
        return Base64URL.encode(digest)
    }

    /// The 32-byte Ed25519 public key of an `OKP`/`Ed25519` JWK.
    static func ed25519PublicKey(of jwk: JSONValue) throws -> [UInt8] {
        guard case .string("OKP")? = jwk["kty"], case .string("Ed25519")? = jwk["crv"] else {
            throw CertificateError("the key is not an Ed25519 key (kty OKP, crv Ed25519)")
        }
        guard case .string(let x)? = jwk["x"] else { throw CertificateError("the Ed25519 key has no public key (x)") }
        guard let bytes = Base64URL.decode(x), bytes.count == 32 else {
            throw CertificateError("the Ed25519 key's x is not 32 bytes of base64url")
        }
        return bytes
    }
}
