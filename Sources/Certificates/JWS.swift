import CanonicalJSON
import Crypto
import HexEncoding

/// JSON Web Signatures (RFC 7515) in the compact serialization, signed with Ed25519: `alg`
/// `Ed25519` (RFC 9864) when signing; `Ed25519` or its older name `EdDSA` (RFC 8037) when
/// verifying, and nothing else — never `none`, never an HMAC, whatever the header asks.
///
/// The key always comes from the verifier's own JWK Set by `kid`; keys or key URLs a header
/// carries (`jwk`, `jku`, `x5u`, `x5c`) are never used.
public enum JWS {
    static let acceptedAlgorithms = ["Ed25519", "EdDSA"]

    /// Compact JWS, header `{"alg":"EdDSA","kid":…,"typ":type}` (RFC 8037's name, the one every
    /// widely used JOSE library knows; `Ed25519` is still accepted when verifying, SPEC §6);
    /// payload = the canonical JSON
    /// encoding of `payload` (compact, keys sorted), so the same credential always signs the same bytes.
    public static func sign(_ payload: JSONValue, type: String, with key: CertificateSigningKey) -> String {
        let header: JSONValue = ["alg": "EdDSA", "kid": .string(key.kid), "typ": .string(type)]
        return sign(protectedHeader: Array(header.encoded(pretty: false).utf8), payload: Array(payload.encoded(pretty: false).utf8), with: key)
    }

    /// Compact JWS of exactly these header and payload bytes: `BASE64URL(header) . BASE64URL(payload)
    /// . BASE64URL(signature)`. The header is signed as given (it should be a JSON object naming `alg`).
    public static func sign(protectedHeader: [UInt8], payload: [UInt8], with key: CertificateSigningKey) -> String {
        let signingInput = Base64URL.encode(protectedHeader) + "." + Base64URL.encode(payload)
        return signingInput + "." + Base64URL.encode(key.signature(for: Array(signingInput.utf8)))
    }

    /// Verifies against the set (by kid) and returns the protected header and the JSON payload.
    /// Refuses, each with its reason (`JWSError`): anything but three base64url segments, a header
    /// that is not a JSON object, an algorithm other than Ed25519/EdDSA (including `none`),
    /// critical extensions, a missing kid or one not in the set, a bad signature, and a payload
    /// that is not JSON.
    public static func verify(_ compact: String, keys: JWKSet) throws -> (header: JSONValue, payload: JSONValue) {
        let token = try Token(compact)
        guard case .string(let kid)? = token.header["kid"] else { throw JWSError.missingKeyID }
        guard let publicKey = keys.publicKey(kid: kid) else { throw JWSError.unknownKey(kid) }
        let payload = try token.verifiedPayload(publicKey: publicKey)
        do {
            return (token.header, try JSONReader.parse(payload))
        } catch {
            throw JWSError.payloadNotJSON(error.description)
        }
    }

    /// Verifies with one given Ed25519 public key (the header's `kid`, if any, is not consulted)
    /// and returns the header and the payload bytes, JSON or not.
    public static func verify(_ compact: String, publicKey: [UInt8]) throws -> (header: JSONValue, payload: [UInt8]) {
        let token = try Token(compact)
        return (token.header, try token.verifiedPayload(publicKey: publicKey))
    }

    /// A compact JWS taken apart, its header read and checked, its signature not yet verified.
    private struct Token {
        let header: JSONValue
        let signingInput: [UInt8]
        let encodedPayload: Substring
        let signature: [UInt8]

        init(_ compact: String) throws(JWSError) {
            let segments = compact.split(separator: ".", omittingEmptySubsequences: false)
            guard segments.count == 3 else {
                throw JWSError.malformed(
                    segments.count == 5
                        ? "it has five segments: an encrypted JWE, not a signed JWS"
                        : "a compact JWS has three segments separated by dots; this has \(segments.count)")
            }
            guard let headerBytes = Base64URL.decode(segments[0]) else { throw JWSError.malformed("the header is not base64url") }
            guard let signature = Base64URL.decode(segments[2]) else { throw JWSError.malformed("the signature is not base64url") }
            let header: JSONValue
            do {
                header = try JSONReader.parse(headerBytes)
            } catch {
                throw JWSError.malformed("the header is not JSON (\(error))")
            }
            guard case .object = header else { throw JWSError.malformed("the header is not a JSON object") }
            guard case .string(let algorithm)? = header["alg"] else { throw JWSError.malformed("the header names no algorithm (alg)") }
            guard JWS.acceptedAlgorithms.contains(algorithm) else { throw JWSError.algorithmRefused(algorithm) }
            if let critical = header["crit"] {
                // RFC 7515 §4.1.11: a recipient that does not understand every listed extension must refuse.
                let names = (critical.elements ?? []).compactMap { element -> String? in
                    if case .string(let name) = element { return name }
                    return nil
                }
                throw JWSError.criticalExtensions(names)
            }
            guard signature.count == 64 else { throw JWSError.badSignature }
            self.header = header
            self.signingInput = Array(segments[0].utf8) + [UInt8(ascii: ".")] + Array(segments[1].utf8)
            self.encodedPayload = segments[1]
            self.signature = signature
        }

        func verifiedPayload(publicKey: [UInt8]) throws(JWSError) -> [UInt8] {
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
                key.isValidSignature(signature, for: signingInput)
            else { throw JWSError.badSignature }
            // The payload's text was signed; only now is it worth decoding.
            guard let payload = Base64URL.decode(encodedPayload) else { throw JWSError.malformed("the payload is not base64url") }
            return payload
        }
    }
}

/// Why a JWS is refused.
public enum JWSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not a compact JWS, or its header is not readable; the text says what is wrong.
    case malformed(String)
    /// The header's `alg` is not Ed25519 or EdDSA (`none` included).
    case algorithmRefused(String)
    /// The header lists critical extensions (`crit`), none of which this verifier implements.
    case criticalExtensions([String])
    /// The header names no key (`kid`), so no key of the set can be chosen.
    case missingKeyID
    /// No usable key of the set has this kid.
    case unknownKey(String)
    /// The signature does not verify with the key: the token was altered, or another key signed it.
    case badSignature
    /// The signature verifies but the payload is not JSON.
    case payloadNotJSON(String)

    public var description: String {
        switch self {
        case .malformed(let why): "not a valid compact JWS: \(why)"
        case .algorithmRefused("none"): "the token is unsigned (alg none); only Ed25519 signatures are accepted"
        case .algorithmRefused(let algorithm): "the token is signed with \(algorithm); only Ed25519 (or EdDSA) signatures are accepted"
        case .criticalExtensions(let names):
            "the token requires extensions this verifier does not implement (crit: \(names.joined(separator: ", ")))"
        case .missingKeyID: "the token does not name its signing key (no kid in the header)"
        case .unknownKey(let kid):
            "the token was signed by a key (kid \(kid)) that is not in the key set; get the issuer's current key set"
        case .badSignature: "the signature does not verify: the token was altered or signed by another key"
        case .payloadNotJSON(let why): "the signed payload is not JSON (\(why))"
        }
    }
}
