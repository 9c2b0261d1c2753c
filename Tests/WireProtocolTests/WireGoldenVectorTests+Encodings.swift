import Foundation
import NoiseProtocol
import XCTest

@testable import WireProtocol

/// The encoding vectors of `protocol/wire.md`: frames, messages, hellos and error payloads encode to
/// their bytes and decode from them at once and byte by byte, and every invalid vector is refused
/// with the error it names.
extension WireGoldenVectorTests {
    // MARK: - Frames

    func testFrameVectors() throws {
        let vectors = try Self.loadVectors().tagged("frame-vector")
        var stream: [UInt8] = []
        var payloads: [[UInt8]] = []
        for block in vectors {
            try block.require(["name", "payload", "wire"])
            let name = try block.text("name")
            let payload = try block.bytes("payload")
            let wire = try block.bytes("wire")
            XCTAssertEqual(Self.hex(NoiseFrameDecoder.encode(payload)), Self.hex(wire), "\(name): encoding")
            XCTAssertEqual(try Self.frames(wire, pieceSize: wire.count), [payload], "\(name): decoding at once")
            XCTAssertEqual(try Self.frames(wire, pieceSize: 1), [payload], "\(name): decoding one byte at a time")
            stream += wire
            payloads.append(payload)
        }
        XCTAssertEqual(try Self.frames(stream, pieceSize: stream.count), payloads, "every frame vector in one stream")
        XCTAssertEqual(try Self.frames(stream, pieceSize: 1), payloads, "every frame vector in one stream, byte by byte")
    }

    // MARK: - Messages

    func testMessageVectors() throws {
        let vectors = try Self.loadVectors().tagged("message-vector")
        var stream: [UInt8] = []
        var messages: [WireMessage] = []
        for block in vectors {
            try block.require(["name", "type", "payload", "hex"])
            let name = try block.text("name")
            let message = WireMessage(try block.messageType("type"), try block.bytes("payload"))
            let bytes = try block.bytes("hex")
            XCTAssertEqual(Self.hex(message.encoded()), Self.hex(bytes), "\(name): encoding")
            XCTAssertEqual(try Self.messages(bytes, pieceSize: bytes.count), [message], "\(name): decoding at once")
            XCTAssertEqual(try Self.messages(bytes, pieceSize: 1), [message], "\(name): decoding one byte at a time")
            stream += bytes
            messages.append(message)
        }
        XCTAssertEqual(try Self.messages(stream, pieceSize: stream.count), messages, "every message vector in one stream")
        XCTAssertEqual(try Self.messages(stream, pieceSize: 1), messages, "every message vector in one stream, byte by byte")
    }

    // MARK: - Hellos

    func testHelloVectors() throws {
        for (name, hello, bytes) in try Self.helloVectors() {
            XCTAssertEqual(Self.hex(hello.encoded()), Self.hex(bytes), "\(name): encoding")
            do {
                let decoded = try Hello(decoding: bytes)
                XCTAssertEqual(decoded, hello, "\(name): decoding")
                XCTAssertEqual(Array(decoded.name.utf8), Array(hello.name.utf8), "\(name): the name's bytes")
            } catch {
                XCTFail("\(name): refused: \(error)")
            }
        }
    }

    // MARK: - Errors

    func testErrorVectors() throws {
        for block in try Self.loadVectors().tagged("error-vector") {
            try block.require(["name", "code", "reason", "payload"])
            let name = try block.text("name")
            guard let raw = UInt16(try block.text("code")) else { throw SpecError("\(block.place): code must be decimal 0…65535") }
            let reason = try block.jsonString("reason")
            let payload = try block.bytes("payload")
            let decoded: ChannelError
            do {
                decoded = try ChannelError(payload: payload)
            } catch {
                XCTFail("\(name): refused: \(error)")
                continue
            }
            XCTAssertEqual(Array(decoded.reason.utf8), Array(reason.utf8), "\(name): reason")
            if let code = ChannelError.Code(rawValue: raw), code != .other {
                XCTAssertEqual(decoded.code, code, "\(name): code")
                let message = ChannelError(code, reason).message
                XCTAssertEqual(message.type, .error, name)
                XCTAssertEqual(Self.hex(message.payload), Self.hex(payload), "\(name): encoding")
            } else {
                XCTAssertEqual(decoded.code, .other, "\(name): a code this build does not know")
                XCTAssertEqual(Array(payload.prefix(2)), [UInt8(raw >> 8), UInt8(raw & 0xFF)], "\(name): code bytes")
            }
        }
    }

    // MARK: - Invalid input

    func testInvalidVectorsAreRefusedWithTheirError() throws {
        for block in try Self.loadVectors().tagged("invalid-vector") {
            let decoder = try block.text("decoder")
            try block.require(["name", "decoder", "hex", "error"], optional: decoder == "message" ? ["limit"] : [])
            let name = try block.text("name")
            let bytes = try block.bytes("hex")
            let expected = try block.text("error")
            switch decoder {
            case "frame":
                for pieceSize in [max(1, bytes.count), 1] {
                    XCTAssertEqual(Self.frameOutcome(bytes, pieceSize: pieceSize), expected, "\(name) (pieces of \(pieceSize))")
                }
            case "message":
                let limit = try block.optionalInt("limit") ?? Self.centralMessageLimit
                for pieceSize in [max(1, bytes.count), 1] {
                    let outcome = Self.messageOutcome(bytes, pieceSize: pieceSize, limit: limit)
                    XCTAssertEqual(outcome.name, expected, "\(name) (pieces of \(pieceSize))")
                    if case .messageTooLong(let length, let limitSeen)? = outcome.error {
                        XCTAssertEqual(length, bytes.dropFirst().prefix(4).reduce(0) { $0 << 8 | Int($1) }, "\(name): length")
                        XCTAssertEqual(limitSeen, limit, "\(name): limit")
                    }
                    if case .unknownMessageType(let type)? = outcome.error {
                        XCTAssertEqual(type, bytes.first, "\(name): type")
                    }
                    if outcome.error != nil && pieceSize == 1 {
                        XCTAssertEqual(outcome.consumedWhenRefused, WireMessage.headerLength,
                                       "\(name): refused as soon as the header is in, before any payload")
                    }
                }
            case "hello":
                XCTAssertThrowsError(try Hello(decoding: bytes), name) { error in
                    guard case .malformed = error as? FramingError, expected == "malformed" else {
                        return XCTFail("\(name): refused as \(error), expected \(expected)")
                    }
                }
            case "error":
                XCTAssertThrowsError(try ChannelError(payload: bytes), name) { error in
                    guard case .malformed = error as? FramingError, expected == "malformed" else {
                        return XCTFail("\(name): refused as \(error), expected \(expected)")
                    }
                }
            case "responder":
                for pieceSize in [max(1, bytes.count), 1] {
                    XCTAssertEqual(try Self.responderOutcome(bytes, pieceSize: pieceSize), expected,
                                   "\(name) (pieces of \(pieceSize))")
                }
            default:
                throw SpecError("\(block.place): unknown decoder \(decoder)")
            }
        }
    }
}
