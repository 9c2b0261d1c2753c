import TestSupport
import XCTest

@testable import WireProtocol

/// The framing decoders are pure functions of bytes: whatever the pieces the bytes arrive in —
/// one at a time, all at once, random cuts — the same frames come out.
final class FramingTests: XCTestCase {
    private func randomFrames(_ random: inout SplitMix64, count: Int, maxLength: Int) -> [[UInt8]] {
        (0..<count).map { _ in
            let length = 1 + Int(random.next() % UInt64(maxLength))
            return (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
    }

    /// Feeds `stream` to a fresh decoder in the given pieces and collects every frame.
    private func decodeFrames(_ stream: [UInt8], pieces: [Int]) throws -> [[UInt8]] {
        var decoder = NoiseFrameDecoder()
        var frames: [[UInt8]] = []
        var offset = 0
        for size in pieces + [stream.count] where offset < stream.count {
            let end = min(stream.count, offset + size)
            decoder.append(stream[offset..<end])
            offset = end
            while let frame = try decoder.nextFrame() { frames.append(frame) }
        }
        XCTAssertEqual(decoder.bufferedCount, 0)
        return frames
    }

    func testFramesComeOutTheSameWhateverTheChunking() throws {
        for seed in 1...60 as ClosedRange<UInt64> {
            var random = SplitMix64(seed: seed)
            let frames = randomFrames(&random, count: 1 + Int(random.next() % 20), maxLength: seed % 5 == 0 ? 70_000 : 300)
                .map { Array($0.prefix(NoiseFrameDecoder.maxFrameLength)) }
            let stream = frames.flatMap(NoiseFrameDecoder.encode)
            let whole = try decodeFrames(stream, pieces: [stream.count])
            let bytewise = try decodeFrames(stream, pieces: Array(repeating: 1, count: stream.count))
            let cuts = (0..<stream.count).map { _ in 1 + Int(random.next() % 97) }
            let pieces = try decodeFrames(stream, pieces: cuts)
            XCTAssertEqual(whole, frames, "seed \(seed): all at once")
            XCTAssertEqual(bytewise, frames, "seed \(seed): one byte at a time")
            XCTAssertEqual(pieces, frames, "seed \(seed): random pieces")
        }
    }

    func testTheLengthIsTwoBytesBigEndian() {
        XCTAssertEqual(NoiseFrameDecoder.encode([0xAA]), [0x00, 0x01, 0xAA])
        XCTAssertEqual(Array(NoiseFrameDecoder.encode([UInt8](repeating: 7, count: 300)).prefix(2)), [0x01, 0x2C])
    }

    func testAnEmptyFrameIsRefused() {
        var decoder = NoiseFrameDecoder()
        decoder.append([0, 0, 1, 2])
        XCTAssertThrowsError(try decoder.nextFrame()) { XCTAssertEqual($0 as? FramingError, .emptyFrame) }
    }

    /// What a transport times: the frame begun and not whole, from its first byte to its last.
    func testAnIncompleteFrameIsReportedFromItsFirstByteUntilItIsWhole() throws {
        var decoder = NoiseFrameDecoder()
        XCTAssertNil(decoder.incompleteFrame)
        decoder.append([0x00])
        XCTAssertEqual(decoder.incompleteFrame, IncompleteFrame(claimedLength: nil, bytesReceived: 0))
        decoder.append([0x03, 1, 2])
        XCTAssertNil(try decoder.nextFrame())
        XCTAssertEqual(decoder.incompleteFrame, IncompleteFrame(claimedLength: 3, bytesReceived: 2))
        decoder.append([3, 0x00])
        XCTAssertEqual(try decoder.nextFrame(), [1, 2, 3])
        XCTAssertEqual(decoder.incompleteFrame, IncompleteFrame(claimedLength: nil, bytesReceived: 0), "the next frame has begun")
        decoder.append([0x01, 9])
        XCTAssertEqual(try decoder.nextFrame(), [9])
        XCTAssertNil(decoder.incompleteFrame)
    }

    func testAFrameOverTheLimitIsRefusedFromItsLengthAlone() {
        var decoder = NoiseFrameDecoder(maxLength: 1000)
        decoder.append([0x03, 0xE9])   // 1001, and no payload yet
        XCTAssertThrowsError(try decoder.nextFrame()) { XCTAssertEqual($0 as? FramingError, .frameTooLong(1001, limit: 1000)) }
    }

    func testMessagesSpanningManyChunksComeOutTheSameWhateverTheChunking() throws {
        for seed in 1...40 as ClosedRange<UInt64> {
            var random = SplitMix64(seed: seed &* 7919)
            let messages = (0..<(1 + random.next() % 8)).map { _ -> WireMessage in
                let length = Int(random.next() % (seed % 4 == 0 ? 200_000 : 500))
                return WireMessage(MessageType.allCases[Int(random.next() % 3)],
                                   (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            }
            let stream = messages.flatMap { $0.encoded() }
            for pieceSize in [1, 7, 65_519, stream.count] {
                var decoder = MessageDecoder()
                XCTAssertEqual(try decoder.decode(stream, inPiecesOf: max(1, pieceSize)), messages,
                               "seed \(seed), pieces of \(pieceSize)")
            }
        }
    }

    func testAnUnknownMessageTypeIsRefusedAtItsHeader() {
        var decoder = MessageDecoder()
        decoder.append([0x7F, 0, 0, 0, 9])
        XCTAssertThrowsError(try decoder.nextMessage()) { XCTAssertEqual($0 as? FramingError, .unknownMessageType(0x7F)) }
    }

    func testAnOversizedMessageIsRefusedBeforeItsPayloadArrives() {
        var decoder = MessageDecoder(maxPayload: 1024)
        decoder.append([MessageType.ping.rawValue, 0, 0, 0x04, 0x01])
        XCTAssertThrowsError(try decoder.nextMessage()) { XCTAssertEqual($0 as? FramingError, .messageTooLong(1025, limit: 1024)) }
    }

    func testRandomBytesNeverTrapTheDecoders() {
        var random = SplitMix64(seed: 0xF00D)
        for _ in 0..<5_000 {
            let bytes = (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var frames = NoiseFrameDecoder()
            frames.append(bytes)
            while (try? frames.nextFrame()) != nil {}
            var messages = MessageDecoder(maxPayload: 100)
            messages.append(bytes)
            while (try? messages.nextMessage()) != nil {}
        }
    }

    func testHelloRoundTripsAndRefusesMalformedInput() throws {
        let hello = Hello(versions: [1, 2], node: 0x0123_4567_89AB_CDEF, role: .central, name: "Example CB — Dublin")
        XCTAssertEqual(try Hello(decoding: hello.encoded()), hello)
        let bytes = hello.encoded()
        for cut in 0..<bytes.count {
            XCTAssertThrowsError(try Hello(decoding: Array(bytes.prefix(cut))), "prefix of \(cut) bytes")
        }
        XCTAssertThrowsError(try Hello(decoding: bytes + [0]))
        var badRole = bytes
        badRole[1 + 1 + 4 + 8] = 9
        XCTAssertThrowsError(try Hello(decoding: badRole))
        XCTAssertThrowsError(try Hello(decoding: [1, 0]), "zero versions")
    }

    func testChannelErrorsRoundTripWithUnknownCodesKept() throws {
        let error = ChannelError(.unknownNode, "this node is not enrolled")
        XCTAssertEqual(try ChannelError(payload: error.message.payload), error)
        XCTAssertEqual(try ChannelError(payload: [0x12, 0x34, 0x41]).code, .other)
        XCTAssertThrowsError(try ChannelError(payload: [1]))
    }
}
