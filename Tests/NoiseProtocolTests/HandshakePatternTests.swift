import NoiseProtocol
import XCTest

final class HandshakePatternTests: XCTestCase {
    private func pattern(_ name: String) throws -> HandshakePattern {
        try HandshakePattern(protocolName: "Noise_\(name)_25519_ChaChaPoly_SHA256")
    }

    func testXXIsParsedFromTheFullProtocolName() throws {
        let xx = try pattern("XX")
        XCTAssertEqual(xx.name, "XX")
        XCTAssertEqual(xx.protocolName, "Noise_XX_25519_ChaChaPoly_SHA256")
        XCTAssertEqual(xx.initiatorPreMessage, [])
        XCTAssertEqual(xx.responderPreMessage, [])
        XCTAssertEqual(xx.messages, [[.e], [.e, .ee, .s, .es], [.s, .se]])
        XCTAssertFalse(xx.isOneWay)
        XCTAssertFalse(xx.usesPSK)
        XCTAssertEqual(xx, NoiseXX.pattern)
    }

    func testPreMessagesAndOneWayPatternsAreRecognised() throws {
        let k = try pattern("K")
        XCTAssertTrue(k.isOneWay)
        XCTAssertEqual(k.initiatorPreMessage, [.s])
        XCTAssertEqual(k.responderPreMessage, [.s])
        XCTAssertEqual(k.messages, [[.e, .es, .ss]])
        XCTAssertEqual(try pattern("X1K1").messages, [[.e], [.e, .ee, .es], [.s], [.se]])
    }

    func testPSKModifiersPlaceTheirTokens() throws {
        XCTAssertEqual(try pattern("NNpsk0").messages, [[.psk, .e], [.e, .ee]])
        XCTAssertEqual(try pattern("NNpsk2").messages, [[.e], [.e, .ee, .psk]])
        let xxpsk3 = try pattern("XXpsk3")
        XCTAssertEqual(xxpsk3.messages, [[.e], [.e, .ee, .s, .es], [.s, .se, .psk]])
        XCTAssertEqual(xxpsk3.pskCount, 1)
        let twoPSKs = try pattern("XXpsk0+psk3")
        XCTAssertEqual(twoPSKs.messages, [[.psk, .e], [.e, .ee, .s, .es], [.s, .se, .psk]])
        XCTAssertEqual(twoPSKs.pskCount, 2)
    }

    func testOtherFunctionsAreRefusedByName() {
        assertThrows(.unsupportedDHFunction("448")) {
            try HandshakePattern(protocolName: "Noise_XX_448_ChaChaPoly_SHA256")
        }
        assertThrows(.unsupportedCipherFunction("AESGCM")) {
            try HandshakePattern(protocolName: "Noise_XX_25519_AESGCM_SHA256")
        }
        assertThrows(.unsupportedHashFunction("BLAKE2s")) {
            try HandshakePattern(protocolName: "Noise_XX_25519_ChaChaPoly_BLAKE2s")
        }
    }

    func testMalformedNamesUnknownPatternsAndModifiersAreRefused() {
        for name in ["", "Noise_XX_25519_ChaChaPoly", "Noise_XX_25519_ChaChaPoly_SHA256_extra", "Nois_XX_25519_ChaChaPoly_SHA256",
                     "Noise__25519_ChaChaPoly_SHA256"] {
            assertThrows(.malformedProtocolName(name), "'\(name)'") { try HandshakePattern(protocolName: name) }
        }
        assertThrows(.unknownHandshakePattern("ZZ")) { try pattern("ZZ") }
        assertThrows(.unknownHandshakePattern("xx")) { try pattern("xx") }
        assertThrows(.unsupportedModifier("fallback")) { try pattern("XXfallback") }
        assertThrows(.unsupportedModifier("psk3")) { try pattern("NNpsk3") }
        assertThrows(.unsupportedModifier("psk")) { try pattern("XXpsk") }
        assertThrows(.unsupportedModifier("psk-1")) { try pattern("XXpsk-1") }
        assertThrows(.unsupportedModifier("psk01")) { try pattern("XXpsk01") }
        assertThrows(.unsupportedModifier("psk99999999999999999999")) { try pattern("XXpsk99999999999999999999") }
        assertThrows(.unsupportedModifier("")) { try pattern("XXpsk0+") }
    }

    func testEveryErrorDescriptionIsDistinctAndSaysWhatWentWrong() {
        let errors: [NoiseError] = [
            .malformedProtocolName("x"), .unknownHandshakePattern("x"), .unsupportedModifier("x"),
            .unsupportedDHFunction("x"), .unsupportedCipherFunction("x"), .unsupportedHashFunction("x"),
            .invalidKeyLength(what: "x", expected: 32, actual: 1), .missingKey("x"),
            .pskCountMismatch(expected: 1, actual: 0), .invalidPublicKey, .messageTooLong(length: 2, maximum: 1),
            .messageTooShort(length: 1, minimum: 2), .decryptFailed, .nonceExhausted, .outOfTurn(expected: "read"),
            .handshakeAlreadyComplete, .handshakeNotComplete,
        ]
        let descriptions = errors.map(\.description)
        XCTAssertEqual(Set(descriptions).count, errors.count)
        for description in descriptions {
            XCTAssertGreaterThan(description.count, 20, description)
        }
    }
}
