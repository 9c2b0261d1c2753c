import NoiseProtocol
import TestSupport
import XCTest

final class HandshakeStateTests: XCTestCase {
    private let initiatorKey = StaticKeyPair.generate()
    private let responderKey = StaticKeyPair.generate()

    /// Runs the AuditSync XX handshake to the end with the given payloads.
    private func completeXX(
        payloads: [[UInt8]] = [[], Array("central hello".utf8), Array("field hello".utf8)]
    ) throws -> (initiator: HandshakeState, responder: HandshakeState, messages: [[UInt8]]) {
        var initiator = try NoiseXX.initiator(staticKey: initiatorKey)
        var responder = try NoiseXX.responder(staticKey: responderKey)
        let message1 = try initiator.writeMessage(payload: payloads[0])
        XCTAssertEqual(try responder.readMessage(message1), payloads[0])
        let message2 = try responder.writeMessage(payload: payloads[1])
        XCTAssertEqual(try initiator.readMessage(message2), payloads[1])
        let message3 = try initiator.writeMessage(payload: payloads[2])
        XCTAssertEqual(try responder.readMessage(message3), payloads[2])
        return (initiator, responder, [message1, message2, message3])
    }

    func testXXWithTheAuditSyncPrologueCompletesAndEachSideLearnsTheOthersStaticKey() throws {
        let (initiator, responder, _) = try completeXX()
        XCTAssertTrue(initiator.isComplete)
        XCTAssertTrue(responder.isComplete)
        XCTAssertEqual(initiator.remoteStaticPublicKey, responderKey.publicKey)
        XCTAssertEqual(responder.remoteStaticPublicKey, initiatorKey.publicKey)
        XCTAssertEqual(initiator.handshakeHash, responder.handshakeHash)
        XCTAssertEqual(initiator.handshakeHash.count, 32)
        XCTAssertEqual(initiator.pattern.protocolName, "Noise_XX_25519_ChaChaPoly_SHA256")
    }

    func testXXMessageSizesMatchAnEphemeralInClearThenEncryptedStaticKeysAndPayloads() throws {
        let (_, _, messages) = try completeXX(payloads: [[], [1, 2, 3], [4, 5]])
        XCTAssertEqual(messages[0].count, 32, "e, then the empty payload in clear")
        XCTAssertEqual(messages[1].count, 32 + 48 + 3 + 16, "e, encrypted s, encrypted payload")
        XCTAssertEqual(messages[2].count, 48 + 2 + 16, "encrypted s, encrypted payload")
    }

    func testXXTransportRoundTripsInBothDirections() throws {
        let (initiator, responder, _) = try completeXX()
        var (initiatorSend, initiatorReceive) = try initiator.split()
        var (responderSend, responderReceive) = try responder.split()
        for round in 0..<10 {
            let up = Array("record \(round)".utf8)
            let upCiphertext = try initiatorSend.encryptWithAd([], plaintext: up)
            XCTAssertNotEqual(Array(upCiphertext.prefix(up.count)), up, "the payload must not travel in clear")
            XCTAssertEqual(try responderReceive.decryptWithAd([], ciphertext: upCiphertext), up)

            let down = Array("ack \(round)".utf8)
            let downCiphertext = try responderSend.encryptWithAd([], plaintext: down)
            XCTAssertEqual(try initiatorReceive.decryptWithAd([], ciphertext: downCiphertext), down)
        }
        // Each direction has its own key: a side cannot read its own messages back.
        let echo = try initiatorSend.encryptWithAd([], plaintext: [1])
        assertThrows(.decryptFailed) { try initiatorReceive.decryptWithAd([], ciphertext: echo) }
    }

    func testEachHandshakeUsesFreshEphemeralKeys() throws {
        let first = try completeXX()
        let second = try completeXX()
        XCTAssertNotEqual(first.messages[0], second.messages[0])
        XCTAssertNotEqual(first.initiator.handshakeHash, second.initiator.handshakeHash)
    }

    func testAResponderWithADifferentPrologueMakesTheHandshakeFailAtMessageTwo() throws {
        var initiator = try NoiseXX.initiator(staticKey: initiatorKey)
        var responder = try HandshakeState(
            pattern: NoiseXX.pattern, initiator: false, prologue: Array("auditsync/2".utf8),
            s: responderKey.privateKeyBytes
        )
        // Message 1 is not authenticated, so the difference only shows once keys are mixed in.
        XCTAssertEqual(try responder.readMessage(try initiator.writeMessage()), [])
        let message2 = try responder.writeMessage(payload: [1])
        assertThrows(.decryptFailed) { try initiator.readMessage(message2) }
        XCTAssertNil(initiator.remoteStaticPublicKey)
        XCTAssertFalse(initiator.isComplete)
    }

    func testAnInitiatorWithADifferentPrologueIsRejectedAtMessageTwo() throws {
        var initiator = try HandshakeState(
            pattern: NoiseXX.pattern, initiator: true, prologue: [], s: initiatorKey.privateKeyBytes
        )
        var responder = try NoiseXX.responder(staticKey: responderKey)
        _ = try responder.readMessage(try initiator.writeMessage())
        let message2 = try responder.writeMessage()
        assertThrows(.decryptFailed) { try initiator.readMessage(message2) }
    }

    func testAFailedReadLeavesTheStateUnchangedSoTheGenuineMessageStillReads() throws {
        var initiator = try NoiseXX.initiator(staticKey: initiatorKey)
        var responder = try NoiseXX.responder(staticKey: responderKey)
        _ = try responder.readMessage(try initiator.writeMessage())
        let message2 = try responder.writeMessage(payload: [8])
        let hashBefore = initiator.handshakeHash
        var corrupted = message2
        corrupted[corrupted.count - 1] ^= 1
        assertThrows(.decryptFailed) { try initiator.readMessage(corrupted) }
        XCTAssertEqual(initiator.handshakeHash, hashBefore)
        XCTAssertTrue(initiator.isMyTurnToRead)
        XCTAssertEqual(try initiator.readMessage(message2), [8])
    }

    func testWritingAMessageLongerThan65535BytesThrows() throws {
        var initiator = try NoiseXX.initiator(staticKey: initiatorKey)
        // Message 1 is e (32 bytes) and the payload in clear.
        assertThrows(.messageTooLong(length: 65_536, maximum: 65_535)) {
            try initiator.writeMessage(payload: [UInt8](repeating: 0, count: 65_504))
        }
        assertThrows(.messageTooLong(length: 100_000, maximum: 65_535)) {
            try initiator.writeMessage(payload: [UInt8](repeating: 0, count: 100_000))
        }
        XCTAssertTrue(initiator.isMyTurnToWrite, "a refused write must not advance the handshake")
        let largest = try initiator.writeMessage(payload: [UInt8](repeating: 0, count: 65_503))
        XCTAssertEqual(largest.count, 65_535)

        var responder = try NoiseXX.responder(staticKey: responderKey)
        XCTAssertEqual(try responder.readMessage(largest).count, 65_503)
        // Message 2 is e, encrypted s (48) and the payload with its tag: 96 bytes of overhead.
        assertThrows(.messageTooLong(length: 65_536, maximum: 65_535)) {
            try responder.writeMessage(payload: [UInt8](repeating: 0, count: 65_440))
        }
        XCTAssertEqual(try responder.writeMessage(payload: [UInt8](repeating: 0, count: 65_439)).count, 65_535)
    }

    func testReadingAMessageLongerThan65535BytesThrows() throws {
        var responder = try NoiseXX.responder(staticKey: responderKey)
        assertThrows(.messageTooLong(length: 65_536, maximum: 65_535)) {
            try responder.readMessage([UInt8](repeating: 0, count: 65_536))
        }
    }

    func testCallingWriteOrReadOutOfTurnThrows() throws {
        var initiator = try NoiseXX.initiator(staticKey: initiatorKey)
        var responder = try NoiseXX.responder(staticKey: responderKey)
        assertThrows(.outOfTurn(expected: "read")) { try responder.writeMessage() }
        assertThrows(.outOfTurn(expected: "write")) { try initiator.readMessage([UInt8](repeating: 0, count: 32)) }
        assertThrows(.handshakeNotComplete) { try initiator.split() }

        let message1 = try initiator.writeMessage()
        assertThrows(.outOfTurn(expected: "read")) { try initiator.writeMessage() }
        _ = try responder.readMessage(message1)
        assertThrows(.outOfTurn(expected: "write")) { try responder.readMessage(message1) }
    }

    func testHandshakeCallsAfterCompletionThrow() throws {
        var (initiator, responder, messages) = try completeXX()
        assertThrows(.handshakeAlreadyComplete) { try initiator.writeMessage() }
        assertThrows(.handshakeAlreadyComplete) { try responder.readMessage(messages[2]) }
        XCTAssertFalse(initiator.isMyTurnToWrite)
        XCTAssertFalse(initiator.isMyTurnToRead)
    }

    func testMissingKeysAndWrongPreSharedKeysAreRefusedUpFront() throws {
        assertThrows(.missingKey("local static private key")) {
            try HandshakeState(pattern: NoiseXX.pattern, initiator: true)
        }
        assertThrows(.missingKey("remote static public key")) {
            try HandshakeState(protocolName: "Noise_NK_25519_ChaChaPoly_SHA256", initiator: true)
        }
        assertThrows(.pskCountMismatch(expected: 1, actual: 0)) {
            try HandshakeState(
                protocolName: "Noise_XXpsk3_25519_ChaChaPoly_SHA256", initiator: true, s: initiatorKey.privateKeyBytes
            )
        }
        assertThrows(.invalidKeyLength(what: "pre-shared key", expected: 32, actual: 31)) {
            try HandshakeState(
                protocolName: "Noise_NNpsk0_25519_ChaChaPoly_SHA256", initiator: true,
                psks: [[UInt8](repeating: 0, count: 31)]
            )
        }
        assertThrows(.invalidKeyLength(what: "remote static public key", expected: 32, actual: 33)) {
            try HandshakeState(
                protocolName: "Noise_NK_25519_ChaChaPoly_SHA256", initiator: true, rs: [UInt8](repeating: 9, count: 33)
            )
        }
    }

    func testALowOrderEphemeralKeyFromThePeerIsRefused() throws {
        // The all-zero point is of low order: any DH with it gives the all-zero secret.
        var responder = try NoiseXX.responder(staticKey: responderKey)
        XCTAssertEqual(try responder.readMessage([UInt8](repeating: 0, count: 32)), [])
        assertThrows(.invalidPublicKey) { try responder.writeMessage() }
        XCTAssertTrue(responder.isMyTurnToWrite)
    }
}
