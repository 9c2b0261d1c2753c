import NoiseProtocol
import TestSupport
import XCTest

@testable import WireProtocol

/// The two ways of sealing — into a new array, and into a buffer the socket takes over — must put
/// the same bytes on the wire, and the peer must read back exactly the messages sent.
final class SecureSessionSealingTests: XCTestCase {
    private func establishedPair() throws -> (initiator: SecureSession, responder: SecureSession) {
        var initiator = try SecureSession(role: .initiator, staticKey: StaticKeyPair(),
                                          hello: Hello(versions: [1], node: 1, role: .field, name: "field"))
        var responder = try SecureSession(role: .responder, staticKey: StaticKeyPair(),
                                          hello: Hello(versions: [1], node: 2, role: .central, name: "central"))
        var toResponder = try initiator.start()
        var toInitiator: [UInt8] = []
        for _ in 0..<2 {
            for case .send(let bytes) in try responder.receive(toResponder) { toInitiator += bytes }
            toResponder = []
            for case .send(let bytes) in try initiator.receive(toInitiator) { toResponder += bytes }
            toInitiator = []
        }
        XCTAssertEqual(initiator.phase, .established)
        XCTAssertEqual(responder.phase, .established)
        return (initiator, responder)
    }

    func testBothSealingPathsWriteTheSameBytesAndTheyReadBack() throws {
        var (sender, receiver) = try establishedPair()
        var random = SplitMix64(seed: 0x5EA1)
        for round in 0..<40 {
            let messages = (0..<(1 + Int(random.next() % 6))).map { _ in
                WireMessage(.pong, (0..<Int(random.next() % 150_000)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            }
            var twin = sender
            let viaArray = try twin.seal(contentsOf: messages)
            let buffer = try sender.sealForWriting(messages)
            defer { buffer.deallocate() }
            XCTAssertEqual(Array(buffer), viaArray, "round \(round): the sealing paths differ")
            let delivered = try receiver.receive(Array(buffer))
            XCTAssertEqual(delivered, messages.map { .message($0) }, "round \(round)")
        }
    }

    func testBytesReadInPlaceGiveWhatTheSameBytesGiveCopiedWhateverTheCuts() throws {
        var (sender, receiver) = try establishedPair()
        var random = SplitMix64(seed: 0xC075)
        for round in 0..<30 {
            let messages = (0..<(1 + Int(random.next() % 5))).map { _ in
                WireMessage(.pong, (0..<Int(random.next() % 200_000)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            }
            let wire = try sender.seal(contentsOf: messages)
            var inPlace = receiver
            var copied = receiver
            var viaPointer: [SecureSession.Event] = []
            var viaCollection: [SecureSession.Event] = []
            var offset = 0
            while offset < wire.count {
                let end = min(wire.count, offset + 1 + Int(random.next() % 150_000))
                try wire[offset..<end].withUnsafeBytes { viaPointer += try inPlace.receive($0) }
                viaCollection += try copied.receive(wire[offset..<end])
                offset = end
            }
            XCTAssertEqual(viaPointer, viaCollection, "round \(round)")
            XCTAssertEqual(viaPointer, messages.map { .message($0) }, "round \(round)")
            receiver = inPlace
        }
    }
}
