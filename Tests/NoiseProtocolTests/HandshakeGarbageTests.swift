import NoiseProtocol
import TestSupport
import XCTest

/// Random and tampered bytes fed to `readMessage` must always end in a `NoiseError`, never a trap,
/// and never in a completed handshake.
final class HandshakeGarbageTests: XCTestCase {
    private let initiatorKey = StaticKeyPair.generate()
    private let responderKey = StaticKeyPair.generate()

    func testGarbageAsMessageTwoIsAlwaysRejectedByTheInitiator() throws {
        var initiator = try NoiseXX.initiator(staticKey: initiatorKey)
        _ = try initiator.writeMessage()
        try assertGarbageIsRejected(by: initiator, baseSeed: 0x6A4B_0002_0000_0000)
    }

    func testGarbageAsMessageThreeIsAlwaysRejectedByTheResponder() throws {
        var initiator = try NoiseXX.initiator(staticKey: initiatorKey)
        var responder = try NoiseXX.responder(staticKey: responderKey)
        _ = try responder.readMessage(try initiator.writeMessage())
        _ = try initiator.readMessage(try responder.writeMessage())
        try assertGarbageIsRejected(by: responder, baseSeed: 0x6A4B_0003_0000_0000)
    }

    func testGarbageAsMessageOneIsAlwaysRejectedByAResponderThatAuthenticatesIt() throws {
        // In IK the first message is already encrypted to the responder's static key.
        let responder = try HandshakeState(
            protocolName: "Noise_IK_25519_ChaChaPoly_SHA256", initiator: false, s: responderKey.privateKeyBytes
        )
        try assertGarbageIsRejected(by: responder, baseSeed: 0x6A4B_1001_0000_0000)
    }

    func testGarbageAsXXMessageOneIsEitherRefusedOrReadAsAnUnauthenticatedKeyAndPayload() throws {
        // XX message 1 carries no MAC: any 32 to 65535 bytes are a public key and a clear payload.
        // The layer above must therefore insist on the empty payload AuditSync specifies.
        let responder = try NoiseXX.responder(staticKey: responderKey)
        for iteration in 0..<2_000 as Range<UInt64> {
            let seed = 0x6A4B_0001_0000_0000 &+ iteration
            var rng = SplitMix64(seed: seed)
            let garbage = rng.bytes(count: rng.garbageLength())
            var reader = responder
            switch garbage.count {
            case ..<32:
                assertThrows(.messageTooShort(length: garbage.count, minimum: 32), "seed \(seed)") {
                    try reader.readMessage(garbage)
                }
            case 65_536...:
                assertThrows(.messageTooLong(length: garbage.count, maximum: 65_535), "seed \(seed)") {
                    try reader.readMessage(garbage)
                }
            default:
                XCTAssertEqual(try reader.readMessage(garbage), Array(garbage.dropFirst(32)), "seed \(seed)")
                XCTAssertEqual(reader.remoteEphemeralPublicKey, Array(garbage.prefix(32)), "seed \(seed)")
            }
        }
    }

    func testFlippingAnyBitOfAGenuineHandshakeMessageIsDetected() throws {
        for iteration in 0..<500 as Range<UInt64> {
            let seed = 0xF11B_0000_0000_0000 &+ iteration
            var rng = SplitMix64(seed: seed)
            var initiator = try NoiseXX.initiator(staticKey: initiatorKey)
            var responder = try NoiseXX.responder(staticKey: responderKey)
            _ = try responder.readMessage(try initiator.writeMessage())
            let message2 = try responder.writeMessage(payload: rng.bytes(count: Int.random(in: 0...40, using: &rng)))

            let (tampered2, bit2) = rng.flippingOneBit(of: message2)
            var tamperedInitiator = initiator
            XCTAssertThrowsError(try tamperedInitiator.readMessage(tampered2), "seed \(seed), message 2 bit \(bit2)")

            _ = try initiator.readMessage(message2)
            let message3 = try initiator.writeMessage(payload: rng.bytes(count: Int.random(in: 0...40, using: &rng)))
            let (tampered3, bit3) = rng.flippingOneBit(of: message3)
            assertThrows(.decryptFailed, "seed \(seed), message 3 bit \(bit3)") {
                try responder.readMessage(tampered3)
            }
            XCTAssertFalse(responder.isComplete, "seed \(seed)")
        }
    }

    /// Feeds thousands of random messages, of random lengths from 0 to past the Noise maximum, to
    /// copies of `state`, each of which must throw a `NoiseError` and stay incomplete.
    private func assertGarbageIsRejected(
        by state: HandshakeState,
        baseSeed: UInt64,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        XCTAssertTrue(state.isMyTurnToRead, file: file, line: line)
        var lengths: Set<Int> = []
        for iteration in 0..<3_000 as Range<UInt64> {
            let seed = baseSeed &+ iteration
            var rng = SplitMix64(seed: seed)
            let garbage = rng.bytes(count: rng.garbageLength())
            lengths.insert(garbage.count)
            var reader = state
            do {
                let payload = try reader.readMessage(garbage)
                XCTFail("seed \(seed): \(garbage.count) random bytes were accepted with payload \(payload.count) bytes",
                        file: file, line: line)
            } catch is NoiseError {
                XCTAssertTrue(reader.isMyTurnToRead, "seed \(seed)", file: file, line: line)
                XCTAssertEqual(reader.handshakeHash, state.handshakeHash, "seed \(seed)", file: file, line: line)
            } catch {
                XCTFail("seed \(seed): unexpected \(error)", file: file, line: line)
            }
        }
        XCTAssertTrue(lengths.contains(0), "the sample must include the empty message", file: file, line: line)
        XCTAssertTrue(lengths.contains { $0 > 65_535 }, "the sample must include oversized messages", file: file, line: line)
    }
}
