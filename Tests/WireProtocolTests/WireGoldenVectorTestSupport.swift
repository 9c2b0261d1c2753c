import Foundation
import NoiseProtocol
import XCTest

@testable import WireProtocol

/// Decoding helpers the golden-vector tests share: feeding bytes to the frame and message decoders
/// and to a responder session in pieces, naming the outcome, and reading the hello vectors.
extension WireGoldenVectorTests {
    // MARK: - Decoding helpers

    static func frames(_ bytes: [UInt8], pieceSize: Int) throws -> [[UInt8]] {
        var decoder = NoiseFrameDecoder()
        let frames = try decoder.decode(bytes, inPiecesOf: pieceSize)
        XCTAssertEqual(decoder.bufferedCount, 0, "bytes left over after the frames")
        return frames
    }

    static func messages(_ bytes: [UInt8], pieceSize: Int, limit: Int = centralMessageLimit) throws -> [WireMessage] {
        var decoder = MessageDecoder(maxPayload: limit)
        let messages = try decoder.decode(bytes, inPiecesOf: pieceSize)
        XCTAssertEqual(decoder.bufferedCount, 0, "bytes left over after the messages")
        return messages
    }

    static func singleFrame(_ wire: [UInt8], _ name: String) throws -> [UInt8] {
        let found = try frames(wire, pieceSize: 1)
        guard found.count == 1 else { throw SpecError("\(name): \(Self.hex(wire)) is \(found.count) frames, not one") }
        return found[0]
    }

    static func singleMessage(_ bytes: [UInt8], _ name: String) throws -> WireMessage {
        let found = try messages(bytes, pieceSize: bytes.count)
        guard found.count == 1 else { throw SpecError("\(name): \(Self.hex(bytes)) is \(found.count) messages, not one") }
        return found[0]
    }

    /// The named outcome of feeding `bytes` to a frame decoder: a `FramingError` case, `incomplete`
    /// when it waits for more, or `frames` when it yields any.
    static func frameOutcome(_ bytes: [UInt8], pieceSize: Int) -> String {
        var decoder = NoiseFrameDecoder()
        var offset = 0
        do {
            while offset < bytes.count {
                let end = min(bytes.count, offset + pieceSize)
                decoder.append(bytes[offset..<end])
                offset = end
                if try decoder.nextFrame() != nil { return "frames" }
            }
        } catch {
            return caseName(error)
        }
        return "incomplete"
    }

    static func messageOutcome(_ bytes: [UInt8], pieceSize: Int, limit: Int)
        -> (name: String, error: FramingError?, consumedWhenRefused: Int?) {
        var decoder = MessageDecoder(maxPayload: limit)
        var offset = 0
        do {
            while offset < bytes.count {
                let end = min(bytes.count, offset + pieceSize)
                decoder.append(bytes[offset..<end])
                offset = end
                if try decoder.nextMessage() != nil { return ("messages", nil, nil) }
            }
        } catch {
            // Fed byte by byte, `offset` is exactly how many bytes it took to refuse.
            return (caseName(error), error, offset)
        }
        return ("incomplete", nil, nil)
    }

    /// A fresh responder session fed `bytes`: the `SessionError` case (a framing error by its own
    /// case), `incomplete`, or `events`.
    static func responderOutcome(_ bytes: [UInt8], pieceSize: Int) throws -> String {
        var session = try SecureSession(role: .responder, staticKey: StaticKeyPair(),
                                        hello: Hello(versions: ProtocolVersion.supported, node: 1, role: .central, name: "central"))
        var offset = 0
        do {
            while offset < bytes.count {
                let end = min(bytes.count, offset + pieceSize)
                let piece = bytes[offset..<end]
                offset = end
                if try !session.receive(piece).isEmpty { return "events" }
            }
        } catch {
            XCTAssertEqual(session.phase, .closed, "a refused session is closed")
            switch error {
            case .framing(let framing): return caseName(framing)
            case .noise: return "noise"
            case .handshake: return "handshake"
            case .refused: return "refused"
            case .outOfTurn: return "outOfTurn"
            }
        }
        return "incomplete"
    }

    static func caseName(_ error: FramingError) -> String {
        switch error {
        case .emptyFrame: "emptyFrame"
        case .frameTooLong: "frameTooLong"
        case .messageTooLong: "messageTooLong"
        case .unknownMessageType: "unknownMessageType"
        case .malformed: "malformed"
        }
    }

    /// The bytes of the single `.send` among `events`.
    static func sent(_ events: [SecureSession.Event], _ name: String) throws -> [UInt8] {
        let sends = events.compactMap { event -> [UInt8]? in
            if case .send(let bytes) = event { return bytes }
            return nil
        }
        guard sends.count == 1 else { throw SpecError("\(name): expected one thing sent, found \(events)") }
        return sends[0]
    }

    static func helloVectors() throws -> [(name: String, hello: Hello, bytes: [UInt8])] {
        try loadVectors().tagged("hello-vector").map { block in
            try block.require(["name", "versions", "node", "role", "node-name", "hex"])
            let node = try block.text("node")
            guard node.count == 16, let id = UInt64(node, radix: 16), node == node.lowercased() else {
                throw SpecError("\(block.place): node must be 16 lowercase hex digits")
            }
            let role: Hello.Role
            switch try block.text("role") {
            case "central": role = .central
            case "field": role = .field
            case let other: throw SpecError("\(block.place): unknown role \(other)")
            }
            let hello = Hello(versions: try block.versions("versions"), node: id, role: role, name: try block.jsonString("node-name"))
            return (try block.text("name"), hello, try block.bytes("hex"))
        }
    }
}
