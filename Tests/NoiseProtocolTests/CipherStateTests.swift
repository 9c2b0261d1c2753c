import NoiseProtocol
import TestSupport
import XCTest

final class CipherStateTests: XCTestCase {
    private let key = [UInt8](repeating: 0x42, count: 32)

    func testNonceStartsAtZeroAndIncrementsWithEachMessage() throws {
        var sender = try CipherState(key: key)
        var receiver = try CipherState(key: key)
        XCTAssertEqual(sender.nonce, 0)
        for expected in 1...5 as ClosedRange<UInt64> {
            let ciphertext = try sender.encryptWithAd([], plaintext: [1, 2, 3])
            XCTAssertEqual(sender.nonce, expected)
            XCTAssertEqual(try receiver.decryptWithAd([], ciphertext: ciphertext), [1, 2, 3])
            XCTAssertEqual(receiver.nonce, expected)
        }
    }

    func testEachNonceGivesADifferentCiphertextForTheSamePlaintext() throws {
        var sender = try CipherState(key: key)
        let first = try sender.encryptWithAd([], plaintext: [9, 9, 9, 9])
        let second = try sender.encryptWithAd([], plaintext: [9, 9, 9, 9])
        XCTAssertNotEqual(first, second)
    }

    func testCiphertextIsThePlaintextLengthPlusASixteenByteTag() throws {
        var sender = try CipherState(key: key)
        XCTAssertEqual(try sender.encryptWithAd([], plaintext: []).count, 16)
        XCTAssertEqual(try sender.encryptWithAd([], plaintext: [UInt8](repeating: 0, count: 100)).count, 116)
    }

    func testInitializeKeyResetsTheNonce() throws {
        var state = try CipherState(key: key)
        state.setNonce(77)
        try state.initializeKey(key)
        XCTAssertEqual(state.nonce, 0)
    }

    func testKeysOfTheWrongLengthAreRefused() {
        assertThrows(.invalidKeyLength(what: "cipher key", expected: 32, actual: 31)) {
            try CipherState(key: [UInt8](repeating: 0, count: 31))
        }
    }

    func testEncryptingAtTheReservedMaximumNonceThrowsNonceExhausted() throws {
        var sender = try CipherState(key: key)
        sender.setNonce(.max)
        assertThrows(.nonceExhausted) { try sender.encryptWithAd([], plaintext: [1]) }
        XCTAssertEqual(sender.nonce, .max)

        var receiver = try CipherState(key: key)
        receiver.setNonce(.max)
        assertThrows(.nonceExhausted) { try receiver.decryptWithAd([], ciphertext: [UInt8](repeating: 0, count: 17)) }
    }

    func testTheLastUsableNonceWorksOnceAndThenTheStateIsExhausted() throws {
        var sender = try CipherState(key: key)
        var receiver = try CipherState(key: key)
        sender.setNonce(.max - 1)
        receiver.setNonce(.max - 1)
        let ciphertext = try sender.encryptWithAd([], plaintext: [5])
        XCTAssertEqual(try receiver.decryptWithAd([], ciphertext: ciphertext), [5])
        assertThrows(.nonceExhausted) { try sender.encryptWithAd([], plaintext: [5]) }
        assertThrows(.nonceExhausted) { try receiver.decryptWithAd([], ciphertext: ciphertext) }
    }

    func testFlippingAnySingleBitMakesDecryptionFailAndTheGenuineMessageStillDecrypts() throws {
        for iteration in 0..<2_000 as Range<UInt64> {
            let seed = 0x5EED_C1F3_0000_0000 &+ iteration
            var rng = SplitMix64(seed: seed)
            let key = rng.bytes(count: 32)
            let startNonce = UInt64.random(in: 0..<1_000_000, using: &rng)
            let ad = rng.bytes(count: Int.random(in: 0...64, using: &rng))
            let plaintext = rng.bytes(count: Int.random(in: 0...300, using: &rng))

            var sender = try CipherState(key: key)
            var receiver = try CipherState(key: key)
            sender.setNonce(startNonce)
            receiver.setNonce(startNonce)
            let genuine = try sender.encryptWithAd(ad, plaintext: plaintext)
            let (tampered, bit) = rng.flippingOneBit(of: genuine)

            assertThrows(.decryptFailed, "seed \(seed), bit \(bit) of \(genuine.count * 8)") {
                try receiver.decryptWithAd(ad, ciphertext: tampered)
            }
            XCTAssertEqual(receiver.nonce, startNonce, "a failed decrypt moved the nonce; seed \(seed)")
            XCTAssertEqual(try receiver.decryptWithAd(ad, ciphertext: genuine), plaintext, "seed \(seed)")
        }
    }

    func testDifferentAssociatedDataFailsToDecrypt() throws {
        var sender = try CipherState(key: key)
        var receiver = try CipherState(key: key)
        let ciphertext = try sender.encryptWithAd([1], plaintext: [7, 7])
        assertThrows(.decryptFailed) { try receiver.decryptWithAd([2], ciphertext: ciphertext) }
        XCTAssertEqual(try receiver.decryptWithAd([1], ciphertext: ciphertext), [7, 7])
    }

    func testCiphertextShorterThanATagIsRejected() throws {
        var receiver = try CipherState(key: key)
        assertThrows(.messageTooShort(length: 15, minimum: 16)) {
            try receiver.decryptWithAd([], ciphertext: [UInt8](repeating: 0, count: 15))
        }
        XCTAssertEqual(receiver.nonce, 0)
    }

    func testPlaintextTooLargeForOneNoiseMessageIsRefused() throws {
        var sender = try CipherState(key: key)
        XCTAssertEqual(try sender.encryptWithAd([], plaintext: [UInt8](repeating: 1, count: 65_519)).count, 65_535)
        assertThrows(.messageTooLong(length: 65_536, maximum: 65_535)) {
            try sender.encryptWithAd([], plaintext: [UInt8](repeating: 1, count: 65_520))
        }
        var receiver = try CipherState(key: key)
        assertThrows(.messageTooLong(length: 65_536, maximum: 65_535)) {
            try receiver.decryptWithAd([], ciphertext: [UInt8](repeating: 1, count: 65_536))
        }
    }

    func testRekeyChangesTheKeyAndPeersThatBothRekeyStayInStep() throws {
        var original = try CipherState(key: key)
        var rekeyed = try CipherState(key: key)
        try rekeyed.rekey()
        let before = try original.encryptWithAd([], plaintext: [1, 2, 3, 4])
        let after = try rekeyed.encryptWithAd([], plaintext: [1, 2, 3, 4])
        XCTAssertNotEqual(before, after, "same nonce and plaintext, so only the key can differ")

        var peerWhoRekeyed = try CipherState(key: key)
        try peerWhoRekeyed.rekey()
        XCTAssertEqual(try peerWhoRekeyed.decryptWithAd([], ciphertext: after), [1, 2, 3, 4])

        var peerWhoDidNot = try CipherState(key: key)
        assertThrows(.decryptFailed) { try peerWhoDidNot.decryptWithAd([], ciphertext: after) }
    }

    func testRekeyDerivesTheNewKeyFromTheReservedMaximumNonce() throws {
        // Expected values computed independently (Python `cryptography`, ChaCha20Poly1305):
        // k' = first 32 bytes of ENCRYPT(k, 2^64−1, [], 32 zero bytes), then ENCRYPT(k', 0, [], 01020304).
        var original = try CipherState(key: key)
        XCTAssertEqual(try original.encryptWithAd([], plaintext: [1, 2, 3, 4]).hex, "5864e72fafe39473e104b9f4c9f219f12a2d3008")
        var rekeyed = try CipherState(key: key)
        try rekeyed.rekey()
        XCTAssertEqual(try rekeyed.encryptWithAd([], plaintext: [1, 2, 3, 4]).hex, "53f6bbed992e015bb80ad08194aaad9ad9bef708")
    }

    func testRekeyKeepsTheNonceAndIsDeterministic() throws {
        var first = try CipherState(key: key)
        var second = try CipherState(key: key)
        first.setNonce(5)
        second.setNonce(5)
        try first.rekey()
        try second.rekey()
        XCTAssertEqual(first.nonce, 5)
        XCTAssertEqual(try first.encryptWithAd([], plaintext: [1]), try second.encryptWithAd([], plaintext: [1]))

        var once = try CipherState(key: key)
        var twice = try CipherState(key: key)
        try once.rekey()
        try twice.rekey()
        try twice.rekey()
        XCTAssertNotEqual(try once.encryptWithAd([], plaintext: [1]), try twice.encryptWithAd([], plaintext: [1]))
    }

    func testWithoutAKeyEncryptionAndDecryptionReturnTheirInput() throws {
        var state = CipherState()
        XCTAssertFalse(state.hasKey)
        XCTAssertEqual(try state.encryptWithAd([1, 2], plaintext: [3, 4, 5]), [3, 4, 5])
        XCTAssertEqual(try state.decryptWithAd([1, 2], ciphertext: [6, 7]), [6, 7])
        XCTAssertEqual(state.nonce, 0)
        try state.rekey()
        XCTAssertFalse(state.hasKey)
        try state.initializeKey(key)
        XCTAssertTrue(state.hasKey)
    }
}
