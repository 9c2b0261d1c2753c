import CanonicalJSON
import Certificates
import HexEncoding
import TestSupport
import XCTest

final class JWKTests: XCTestCase {
    /// RFC 7638 §3.1: the RSA key of RFC 7517 appendix A.1 and its thumbprint.
    func testRFC7638Example() throws {
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        let jwk: JSONValue = ["kty": "RSA", "n": .string(n), "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"]
        XCTAssertEqual(try JWK.thumbprint(of: jwk), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    func testTheThumbprintHashesOnlyTheRequiredMembers() throws {
        let key = CertificateFixtures.key
        let bare: JSONValue = ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(key.publicKey))]
        XCTAssertEqual(try JWK.thumbprint(of: bare), key.kid)
        XCTAssertEqual(try JWK.thumbprint(of: key.publicJWK), key.kid)
        var decorated = key.publicJWK
        if case .object(var members) = decorated {
            members["kid"] = "something else"
            members["use"] = "enc"
            members["x5u"] = "https://example.com"
            decorated = .object(members)
        }
        XCTAssertEqual(try JWK.thumbprint(of: decorated), key.kid)
        // The key material is what names it.
        XCTAssertNotEqual(CertificateFixtures.otherKey.kid, key.kid)
        XCTAssertNotEqual(try JWK.thumbprint(of: ["kty": "OKP", "crv": "X25519", "x": .string(Base64URL.encode(key.publicKey))]), key.kid)
    }

    func testAThumbprintNeedsTheRequiredMembers() {
        for jwk: JSONValue in [["crv": "Ed25519", "x": "AA"], ["kty": "OKP", "x": "AA"], ["kty": "OKP", "crv": "Ed25519"],
                                ["kty": "OKP", "crv": "Ed25519", "x": 1], ["kty": "XYZ"], ["kty": "RSA", "n": "AQAB"], "text"]
        {
            XCTAssertThrowsError(try JWK.thumbprint(of: jwk), "\(jwk)")
        }
    }

    func testSigningKeysRoundTripTheirRawRepresentation() throws {
        var random = SplitMix64(seed: 0x5EED)
        for _ in 0..<20 {
            let raw = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
            let key = try CertificateSigningKey(rawRepresentation: raw)
            XCTAssertEqual(key.rawRepresentation, raw)
            XCTAssertEqual(key.publicKey.count, 32)
            XCTAssertEqual(try CertificateSigningKey(rawRepresentation: raw).kid, key.kid)
        }
        let generated = CertificateSigningKey.generate()
        XCTAssertNotEqual(generated.rawRepresentation, CertificateSigningKey.generate().rawRepresentation)
        XCTAssertEqual(try CertificateSigningKey(rawRepresentation: generated.rawRepresentation).publicKey, generated.publicKey)
        for count in [0, 31, 33, 64] {
            XCTAssertThrowsError(try CertificateSigningKey(rawRepresentation: [UInt8](repeating: 1, count: count))) {
                XCTAssertTrue("\($0)".contains("32 bytes"), "\($0)")
            }
        }
    }

    func testThePublicJWKHasExactlyThePublishedMembers() {
        let key = CertificateFixtures.key
        XCTAssertEqual(key.publicJWK, [
            "kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(key.publicKey)), "kid": .string(key.kid), "alg": "EdDSA", "use": "sig",
        ])
        XCTAssertNil(key.publicJWK["d"])
        XCTAssertEqual(key.kid.utf8.count, 43)  // 32 bytes of SHA-256, base64url
    }

    func testAKeySetDocumentRoundTrips() throws {
        let set = JWKSet(keys: [CertificateFixtures.key.publicJWK, CertificateFixtures.otherKey.publicJWK])
        XCTAssertEqual(set.document, ["keys": [CertificateFixtures.key.publicJWK, CertificateFixtures.otherKey.publicJWK]])
        for pretty in [true, false] {
            let parsed = try JWKSet(parsing: set.document.encoded(pretty: pretty))
            XCTAssertEqual(parsed, set)
            XCTAssertEqual(parsed.publicKey(kid: CertificateFixtures.key.kid), CertificateFixtures.key.publicKey)
        }
    }

    func testKeysOfOtherTypesAreKeptAndIgnored() throws {
        let text = """
            {"keys": [
              {"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", "kid": "ec"},
              {"kty": "OKP", "crv": "X25519", "x": "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"},
              \(CertificateFixtures.key.publicJWK.encoded(pretty: false))
            ]}
            """
        let set = try JWKSet(parsing: text)
        XCTAssertEqual(set.keys.count, 3)
        XCTAssertNil(set.publicKey(kid: "ec"))
        XCTAssertEqual(set.publicKey(kid: CertificateFixtures.key.kid), CertificateFixtures.key.publicKey)
    }

    func testAKeyWithoutKidIsFoundByItsThumbprint() throws {
        let key = CertificateFixtures.key
        let set = try JWKSet(parsing: #"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"\#(Base64URL.encode(key.publicKey))"}]}"#)
        XCTAssertEqual(set.publicKey(kid: key.kid), key.publicKey)
        XCTAssertNoThrow(try JWS.verify(JWS.sign(["a": 1], type: "vc+jwt", with: key), keys: set))
    }

    func testKeysLimitedToOtherUsesAreNotUsedForVerifying() {
        let key = CertificateFixtures.key
        for (name, value) in [("use", JSONValue("enc")), ("alg", "ES256"), ("key_ops", ["sign"])] {
            guard case .object(var members) = key.publicJWK else { return XCTFail() }
            members[name] = value
            let set = JWKSet(keys: [.object(members)])
            XCTAssertNil(set.publicKey(kid: key.kid), name)
        }
        XCTAssertEqual(JWKSet(keys: [key.publicJWK]).publicKey(kid: key.kid), key.publicKey)
    }

    func testBadKeySetsAreRefusedWithAReason() {
        let key = CertificateFixtures.key
        let x = Base64URL.encode(key.publicKey)
        let cases: [(String, String)] = [
            ("", "not JSON"),
            ("{\"keys\":[}", "not JSON"),
            ("[]", "JSON object"),
            ("{}", "no \"keys\""),
            (key.publicJWK.encoded(), "single JWK"),
            (#"{"keys":{}}"#, "not an array"),
            (#"{"keys":[1]}"#, "not a JSON object"),
            (#"{"keys":[{"crv":"Ed25519","x":"\#(x)"}]}"#, "kty"),
            (#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"\#(x)","d":"\#(Base64URL.encode(key.rawRepresentation))"}]}"#, "private key"),
            (#"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#, "private key"),
            (#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA"}]}"#, "32 bytes"),
            (#"{"keys":[{"kty":"OKP","crv":"Ed25519"}]}"#, "no public key"),
            (#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"\#(x)","kid":7}]}"#, "kid"),
            (#"{"keys":[]}"#, "no Ed25519"),
            (#"{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}"#, "no Ed25519"),
            (#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"\#(x)","kid":"a"},{"kty":"OKP","crv":"Ed25519","x":"\#(Base64URL.encode(CertificateFixtures.otherKey.publicKey))","kid":"a"}]}"#,
             "share the kid"),
            (#"{"keys":[],"keys":[]}"#, "twice"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try JWKSet(parsing: text), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text): \(error)")
            }
        }
    }
}
