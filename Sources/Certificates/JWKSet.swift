import CanonicalJSON

/// A JWK Set (RFC 7517 §5), `{"keys":[…]}`: the central's published public keys, which is all a
/// verifier needs to check its certificates and status lists offline. Keys this module cannot use
/// (other key types; keys limited to other algorithms or uses) are kept in the document and
/// ignored, as RFC 7517 §5 asks.
public struct JWKSet: Equatable, Sendable {
    /// The keys, in the order given.
    public let keys: [JSONValue]

    /// The usable Ed25519 verification keys: kid (the JWK's own, else its thumbprint) and public key.
    private let verificationKeys: [(kid: String, publicKey: [UInt8])]

    public init(keys: [JSONValue]) {
        self.keys = keys
        self.verificationKeys = keys.compactMap(Self.verificationKey)
    }

    /// Reads a JWK Set document, refusing with a reason anything that is not one, that holds
    /// private key material, a damaged Ed25519 key or two keys under one kid, or that holds no
    /// Ed25519 key at all (so could verify nothing).
    public init(parsing text: String) throws {
        let document: JSONValue
        do {
            document = try JSONReader.parse(text)
        } catch {
            throw CertificateError("the key set is not JSON (\(error)); give the file `auditsync central keys export` wrote")
        }
        guard case .object(let members) = document else {
            throw CertificateError("the key set is not a JWK Set: it should be a JSON object {\"keys\":[…]}")
        }
        guard let keysMember = members["keys"] else {
            throw CertificateError(
                members["kty"] != nil
                    ? "this is a single JWK, not a JWK Set; wrap it as {\"keys\":[…]}"
                    : "the key set has no \"keys\" array")
        }
        guard case .array(let keys) = keysMember else { throw CertificateError("the key set's \"keys\" is not an array") }
        var kids: [String: [UInt8]] = [:]
        for (index, key) in keys.enumerated() {
            let which = "key \(index + 1) of the set"
            guard case .object(let jwk) = key else { throw CertificateError("\(which) is not a JSON object") }
            guard case .string(let type)? = jwk["kty"] else { throw CertificateError("\(which) has no key type (kty)") }
            for secret in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] where jwk[secret] != nil {
                throw CertificateError(
                    "\(which) holds private key material (\(secret)); a published key set holds public keys only — "
                        + "do not share this file, and export the set again")
            }
            switch jwk["kid"] {
            case nil, .string?: break
            default: throw CertificateError("\(which) has a kid that is not a string")
            }
            guard type == "OKP", case .string("Ed25519")? = jwk["crv"] else { continue }
            let publicKey: [UInt8]
            do {
                publicKey = try JWK.ed25519PublicKey(of: key)
            } catch {
                throw CertificateError("\(which): \(error)")
            }
            let kid = Self.kid(of: key, publicKey: publicKey)
            if let other = kids[kid], other != publicKey {
                throw CertificateError("two different keys of the set share the kid \(kid); a verifier could not tell which signed")
            }
            kids[kid] = publicKey
        }
        self.init(keys: keys)
        guard !verificationKeys.isEmpty else {
            throw CertificateError("the key set holds no Ed25519 signature key, so it cannot verify AuditSync certificates")
        }
    }

    /// The JWK Set document, `{"keys":[…]}`.
    public var document: JSONValue { ["keys": .array(keys)] }

    /// The Ed25519 public key named `kid`: nil when no usable key has that kid, or when two
    /// different keys claim it (ambiguous, so neither is trusted).
    public func publicKey(kid: String) -> [UInt8]? {
        let matches = verificationKeys.filter { $0.kid == kid }
        guard let first = matches.first, matches.allSatisfy({ $0.publicKey == first.publicKey }) else { return nil }
        return first.publicKey
    }

    public static func == (left: JWKSet, right: JWKSet) -> Bool { left.keys == right.keys }

    private static func verificationKey(_ jwk: JSONValue) -> (kid: String, publicKey: [UInt8])? {
        guard let publicKey = try? JWK.ed25519PublicKey(of: jwk) else { return nil }
        if let use = jwk["use"], use != "sig" { return nil }
        if let operations = jwk["key_ops"], !(operations.elements ?? []).contains("verify") { return nil }
        if let algorithm = jwk["alg"], !JWS.acceptedAlgorithms.contains(where: { JSONValue.string($0) == algorithm }) { return nil }
        return (kid(of: jwk, publicKey: publicKey), publicKey)
    }

    private static func kid(of jwk: JSONValue, publicKey: [UInt8]) -> String {
        if case .string(let kid)? = jwk["kid"] { return kid }
        return CertificateSigningKey.thumbprint(publicKey: publicKey)
    }
}
