import CanonicalJSON
import Certificates
import HexEncoding
import XCTest

final class JWSTests: XCTestCase {
    private let key = CertificateFixtures.key
    private let payload: JSONValue = ["hello": "world", "n": 42, "list": [true, nil, 1.5]]

    func testSignedTokensVerifyAndReturnTheHeaderAndPayload() throws {
        let token = JWS.sign(payload, type: "vc+jwt", with: key)
        let (header, verified) = try JWS.verify(token, keys: CertificateFixtures.keySet)
        XCTAssertEqual(header, ["alg": "EdDSA", "kid": .string(key.kid), "typ": "vc+jwt"])
        XCTAssertEqual(verified, payload)
    }

    func testTheSegmentsAreTheCanonicalHeaderAndPayload() throws {
        let token = JWS.sign(payload, type: "vc+jwt", with: key)
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        XCTAssertEqual(segments.count, 3)
        XCTAssertEqual(Base64URL.decode(segments[0]).map { String(decoding: $0, as: UTF8.self) },
                       #"{"alg":"EdDSA","kid":"\#(key.kid)","typ":"vc+jwt"}"#)
        XCTAssertEqual(Base64URL.decode(segments[1]).map { String(decoding: $0, as: UTF8.self) }, payload.encoded(pretty: false))
        XCTAssertEqual(Base64URL.decode(segments[2])?.count, 64)
        // Ed25519 is deterministic: the same credential signs to the same token.
        XCTAssertEqual(JWS.sign(payload, type: "vc+jwt", with: key), token)
    }

    /// RFC 8037 appendix A: the private key (A.1), its public JWK (A.2), its thumbprint (A.3) and
    /// the Ed25519 JWS of "Example of Ed25519 signing" (A.4), byte for byte.
    func testRFC8037AppendixAVector() throws {
        let d = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
        let x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        let expected = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
            + "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

        let key = try CertificateSigningKey(rawRepresentation: XCTUnwrap(Base64URL.decode(d)))
        XCTAssertEqual(Base64URL.encode(key.rawRepresentation), d)
        XCTAssertEqual(Base64URL.encode(key.publicKey), x)
        XCTAssertEqual(key.kid, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
        XCTAssertEqual(try JWK.thumbprint(of: ["kty": "OKP", "crv": "Ed25519", "x": .string(x)]), key.kid)
        XCTAssertEqual(key.publicJWK["x"], .string(x))

        let header: JSONValue = ["alg": "EdDSA"]
        XCTAssertEqual(header.encoded(pretty: false), #"{"alg":"EdDSA"}"#)
        let token = JWS.sign(protectedHeader: Array(header.encoded(pretty: false).utf8), payload: Array("Example of Ed25519 signing".utf8), with: key)
        #if canImport(Darwin)
            // CryptoKit randomises Ed25519 signatures; the RFC's own signature must still verify.
            XCTAssertEqual(token.split(separator: ".").prefix(2).joined(separator: "."), expected.split(separator: ".").prefix(2).joined(separator: "."))
        #else
            XCTAssertEqual(token, expected)
        #endif
        let verified = try JWS.verify(expected, publicKey: key.publicKey)
        XCTAssertEqual(verified.header, ["alg": "EdDSA"])
        XCTAssertEqual(String(decoding: verified.payload, as: UTF8.self), "Example of Ed25519 signing")

        // The RFC's header names no key, so a key set cannot choose one for it.
        XCTAssertThrowsError(try JWS.verify(expected, keys: JWKSet(keys: [key.publicJWK]))) { error in
            XCTAssertEqual(error as? JWSError, .missingKeyID)
        }
    }

    func testTheOlderAlgorithmNameEdDSAIsAccepted() throws {
        let header: JSONValue = ["alg": "EdDSA", "kid": .string(key.kid), "typ": "vc+jwt"]
        let token = JWS.sign(protectedHeader: Array(header.encoded(pretty: false).utf8), payload: Array(payload.encoded(pretty: false).utf8), with: key)
        let (verifiedHeader, verified) = try JWS.verify(token, keys: CertificateFixtures.keySet)
        XCTAssertEqual(verifiedHeader["alg"], "EdDSA")
        XCTAssertEqual(verified, payload)
    }

    func testATamperedHeaderIsRefused() {
        let token = JWS.sign(payload, type: "vc+jwt", with: key)
        let segments = token.split(separator: ".").map(String.init)
        let header: JSONValue = ["alg": "Ed25519", "kid": .string(key.kid), "typ": "JWT"]
        let forged = [Base64URL.encode(Array(header.encoded(pretty: false).utf8)), segments[1], segments[2]].joined(separator: ".")
        XCTAssertThrowsError(try JWS.verify(forged, keys: CertificateFixtures.keySet)) { XCTAssertEqual($0 as? JWSError, .badSignature) }
    }

    func testATamperedPayloadIsRefused() {
        let token = JWS.sign(payload, type: "vc+jwt", with: key)
        let segments = token.split(separator: ".").map(String.init)
        let altered: JSONValue = ["hello": "world", "n": 43, "list": [true, nil, 1.5]]
        let forged = [segments[0], Base64URL.encode(Array(altered.encoded(pretty: false).utf8)), segments[2]].joined(separator: ".")
        XCTAssertThrowsError(try JWS.verify(forged, keys: CertificateFixtures.keySet)) { XCTAssertEqual($0 as? JWSError, .badSignature) }
    }

    func testATamperedSignatureIsRefused() throws {
        let token = JWS.sign(payload, type: "vc+jwt", with: key)
        let segments = token.split(separator: ".").map(String.init)
        var signature = try XCTUnwrap(Base64URL.decode(segments[2]))
        for index in [0, 31, 32, 63] {
            signature[index] ^= 0x01
            let forged = [segments[0], segments[1], Base64URL.encode(signature)].joined(separator: ".")
            XCTAssertThrowsError(try JWS.verify(forged, keys: CertificateFixtures.keySet)) { XCTAssertEqual($0 as? JWSError, .badSignature) }
            signature[index] ^= 0x01
        }
        let short = [segments[0], segments[1], Base64URL.encode(signature.prefix(63))].joined(separator: ".")
        XCTAssertThrowsError(try JWS.verify(short, keys: CertificateFixtures.keySet)) { XCTAssertEqual($0 as? JWSError, .badSignature) }
    }

    func testAnotherKeysSignatureIsRefusedEvenUnderTheRightKid() {
        let header: JSONValue = ["alg": "Ed25519", "kid": .string(key.kid)]
        let forged = JWS.sign(protectedHeader: Array(header.encoded(pretty: false).utf8), payload: Array("{}".utf8), with: CertificateFixtures.otherKey)
        XCTAssertThrowsError(try JWS.verify(forged, keys: CertificateFixtures.keySet)) { XCTAssertEqual($0 as? JWSError, .badSignature) }
    }

    func testAlgNoneIsRefused() {
        let header: JSONValue = ["alg": "none", "kid": .string(key.kid)]
        let unsigned = Base64URL.encode(Array(header.encoded(pretty: false).utf8)) + "." + Base64URL.encode(Array("{}".utf8)) + "."
        XCTAssertThrowsError(try JWS.verify(unsigned, keys: CertificateFixtures.keySet)) { error in
            XCTAssertEqual(error as? JWSError, .algorithmRefused("none"))
            XCTAssertTrue("\(error)".contains("unsigned"), "\(error)")
        }
    }

    func testHS256AndOtherAlgorithmsAreRefused() {
        let token = JWS.sign(payload, type: "vc+jwt", with: key)
        let segments = token.split(separator: ".").map(String.init)
        for algorithm in ["HS256", "RS256", "ES256", "Ed448", "eddsa", "ED25519", ""] {
            let header: JSONValue = ["alg": .string(algorithm), "kid": .string(key.kid), "typ": "vc+jwt"]
            let forged = [Base64URL.encode(Array(header.encoded(pretty: false).utf8)), segments[1], segments[2]].joined(separator: ".")
            XCTAssertThrowsError(try JWS.verify(forged, keys: CertificateFixtures.keySet)) { XCTAssertEqual($0 as? JWSError, .algorithmRefused(algorithm)) }
        }
        // An alg that is not a string at all, or none at all.
        for header in [#"{"alg":1,"kid":"k"}"#, #"{"kid":"k"}"#] {
            let forged = [Base64URL.encode(Array(header.utf8)), segments[1], segments[2]].joined(separator: ".")
            XCTAssertThrowsError(try JWS.verify(forged, keys: CertificateFixtures.keySet)) { error in
                guard case .malformed? = error as? JWSError else { return XCTFail("\(error)") }
            }
        }
    }

    func testAnUnknownKidIsRefused() {
        let token = JWS.sign(payload, type: "vc+jwt", with: CertificateFixtures.otherKey)
        XCTAssertThrowsError(try JWS.verify(token, keys: CertificateFixtures.keySet)) { error in
            XCTAssertEqual(error as? JWSError, .unknownKey(CertificateFixtures.otherKey.kid))
            XCTAssertTrue("\(error)".contains("not in the key set"), "\(error)")
        }
        // With both keys published, the other key's tokens verify.
        let both = JWKSet(keys: [key.publicJWK, CertificateFixtures.otherKey.publicJWK])
        XCTAssertNoThrow(try JWS.verify(token, keys: both))
    }

    func testCriticalExtensionsAreRefused() {
        let header: JSONValue = ["alg": "Ed25519", "kid": .string(key.kid), "crit": ["b64"], "b64": false]
        let token = JWS.sign(protectedHeader: Array(header.encoded(pretty: false).utf8), payload: Array("{}".utf8), with: key)
        XCTAssertThrowsError(try JWS.verify(token, keys: CertificateFixtures.keySet)) { XCTAssertEqual($0 as? JWSError, .criticalExtensions(["b64"])) }
    }

    func testAKeyInTheHeaderIsNeverUsed() {
        // The attacker signs with their own key and embeds it: still only the set's keys count.
        let attacker = CertificateFixtures.otherKey
        let header: JSONValue = ["alg": "Ed25519", "kid": .string(key.kid), "jwk": attacker.publicJWK]
        let token = JWS.sign(protectedHeader: Array(header.encoded(pretty: false).utf8), payload: Array("{}".utf8), with: attacker)
        XCTAssertThrowsError(try JWS.verify(token, keys: CertificateFixtures.keySet)) { XCTAssertEqual($0 as? JWSError, .badSignature) }
    }

    func testMalformedTokensAreRefusedWithAReason() {
        let token = JWS.sign(payload, type: "vc+jwt", with: key)
        let segments = token.split(separator: ".").map(String.init)
        let cases = [
            "", ".", "..", "...", "a.b", token + ".", segments[0] + "." + segments[1], "a.b.c.d.e",
            "!!." + segments[1] + "." + segments[2], segments[0] + "=.x." + segments[2], segments[0] + "." + segments[1] + ".**",
            Base64URL.encode(Array("[1]".utf8)) + "." + segments[1] + "." + segments[2],
            Base64URL.encode(Array("not json".utf8)) + "." + segments[1] + "." + segments[2],
            Base64URL.encode(Array(#"{"alg":"Ed25519","alg":"none"}"#.utf8)) + "." + segments[1] + "." + segments[2],
            " " + token, token + "\n",
        ]
        for text in cases {
            XCTAssertThrowsError(try JWS.verify(text, keys: CertificateFixtures.keySet), text) { error in
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
        XCTAssertThrowsError(try JWS.verify("a.b.c.d.e", keys: CertificateFixtures.keySet)) { XCTAssertTrue("\($0)".contains("JWE"), "\($0)") }
    }

    func testASignedPayloadThatIsNotJSONIsRefused() {
        let header: JSONValue = ["alg": "Ed25519", "kid": .string(key.kid)]
        let token = JWS.sign(protectedHeader: Array(header.encoded(pretty: false).utf8), payload: Array("hello".utf8), with: key)
        XCTAssertThrowsError(try JWS.verify(token, keys: CertificateFixtures.keySet)) { error in
            guard case .payloadNotJSON? = error as? JWSError else { return XCTFail("\(error)") }
        }
    }
}
