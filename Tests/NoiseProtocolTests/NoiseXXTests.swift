import NoiseProtocol
import XCTest

final class NoiseXXTests: XCTestCase {
    func testProtocolNameAndPrologueAreAuditSyncs() {
        XCTAssertEqual(NoiseXX.protocolName, "Noise_XX_25519_ChaChaPoly_SHA256")
        XCTAssertEqual(NoiseXX.prologue, [0x61, 0x75, 0x64, 0x69, 0x74, 0x73, 0x79, 0x6E, 0x63, 0x2F, 0x31])
        XCTAssertEqual(NoiseXX.pattern.protocolName, NoiseXX.protocolName)
    }

    func testAStaticKeyPairIsRebuiltFromItsPrivateKeyBytes() throws {
        let original = StaticKeyPair.generate()
        let restored = try StaticKeyPair(privateKeyBytes: original.privateKeyBytes)
        XCTAssertEqual(restored.publicKey, original.publicKey)
        XCTAssertEqual(restored.privateKeyBytes, original.privateKeyBytes)
        XCTAssertEqual(original.publicKey.count, 32)
        XCTAssertEqual(original.privateKeyBytes.count, 32)
    }

    func testGeneratedKeyPairsDiffer() {
        XCTAssertNotEqual(StaticKeyPair.generate().publicKey, StaticKeyPair.generate().publicKey)
    }

    func testThePublicKeyIsTheRFC7748X25519PublicKey() throws {
        let alice = try StaticKeyPair(
            privateKeyBytes: [UInt8](hex: "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
        )
        XCTAssertEqual(alice.publicKey.hex, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
    }

    func testPrivateKeysOfTheWrongLengthAreRefused() {
        assertThrows(.invalidKeyLength(what: "static private key", expected: 32, actual: 16)) {
            try StaticKeyPair(privateKeyBytes: [UInt8](repeating: 1, count: 16))
        }
    }
}
