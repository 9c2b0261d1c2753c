import Foundation
import NoiseProtocol
import XCTest

@testable import WireProtocol

/// Checks the wire protocol against the test vectors of `protocol/wire.md`, read from the document
/// itself at run time so that the specification and the code cannot drift apart: every vector
/// byte for byte in both directions, every invalid vector refused with its named error, and the
/// handshake transcript reproduced exactly from its keys.
final class WireGoldenVectorTests: XCTestCase {
    /// Update these together with the vectors in `protocol/wire.md`: removing a vector must be a
    /// deliberate change, not an accident.
    static let expectedCounts: [String: Int] = [
        "frame-vector": 3,
        "message-vector": 5,
        "hello-vector": 4,
        "error-vector": 7,
        "negotiation-vector": 4,
        "handshake-vector": 1,
        "invalid-vector": 28,
    ]

    /// The message payload limit the invalid vectors assume when they name none.
    static let centralMessageLimit = 4 << 20

    // MARK: - Counts

    func testVectorCounts() throws {
        let vectors = try Self.loadVectors()
        let found = Dictionary(grouping: vectors.blocks, by: \.tag).mapValues(\.count)
        for (tag, expected) in Self.expectedCounts.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(found[tag] ?? 0, expected, "```\(tag) blocks in \(vectors.source)")
        }
        XCTAssertEqual(Set(found.keys), Set(Self.expectedCounts.keys), "kinds of vector blocks in \(vectors.source)")
    }

    /// The constants the document states as prose match the code.
    func testConstantsMatchTheCode() throws {
        XCTAssertEqual(NoiseXX.protocolName, "Noise_XX_25519_ChaChaPoly_SHA256")
        XCTAssertEqual(NoiseXX.prologue, Array("auditsync/1".utf8))
        XCTAssertEqual(NoiseFrameDecoder.maxFrameLength, 65_535)
        XCTAssertEqual(SecureSession.maxChunk, 65_519)
        XCTAssertEqual(WireMessage.headerLength, 5)
        XCTAssertEqual(MessageDecoder.defaultMaxPayload, 16 << 20)
        XCTAssertEqual(Hello.format, 1)
        XCTAssertEqual(ProtocolVersion.supported, [1])
        XCTAssertEqual(ProtocolVersion.current, 1)
        XCTAssertEqual(MessageType.allCases.map(\.rawValue), [0x01, 0x02, 0x03])
        XCTAssertEqual(ChannelError.Code.allCases.map(\.rawValue), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xFFFF])
    }

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

    // MARK: - Version negotiation

    func testNegotiationVectors() throws {
        for block in try Self.loadVectors().tagged("negotiation-vector") {
            try block.require(["name", "responder-versions", "initiator-versions", "initiator-names", "result"])
            let name = try block.text("name")
            let responderVersions = try block.versions("responder-versions")
            let initiatorVersions = try block.versions("initiator-versions")
            guard let names = UInt16(try block.text("initiator-names")) else { throw SpecError("\(block.place): initiator-names") }
            let result = try block.text("result")

            var initiator = try SecureSession(role: .initiator, staticKey: StaticKeyPair(),
                                              hello: Hello(versions: initiatorVersions, node: 0x11, role: .field, name: "field"))
            var responder = try SecureSession(role: .responder, staticKey: StaticKeyPair(),
                                              hello: Hello(versions: responderVersions, node: 0x22, role: .central, name: "central"))
            let message1 = try initiator.start()
            let message2 = try Self.sent(try responder.receive(message1), name)
            let afterMessage2 = try initiator.receive(message2)
            guard case .send(let message3)? = afterMessage2.first else {
                XCTFail("\(name): after message 2 the initiator sent \(afterMessage2)")
                continue
            }
            if result == "established" {
                guard afterMessage2.count == 2, case .established(let initiatorPeer) = afterMessage2[1] else {
                    XCTFail("\(name): after message 2 the initiator did \(afterMessage2)")
                    continue
                }
                XCTAssertEqual(initiatorPeer.version, names, "\(name): the version the initiator names")
                XCTAssertEqual(initiatorPeer.hello.versions, responderVersions, "\(name): the responder's hello")
            } else {
                // No common version: the initiator sends message 3 but waits for the refusal (§6 rule 3).
                XCTAssertEqual(afterMessage2.count, 1, "\(name): the initiator reported \(afterMessage2)")
            }
            let afterMessage3 = try responder.receive(message3)
            switch (result, afterMessage3.last) {
            case ("established", .established(let peer)?):
                XCTAssertEqual(afterMessage3.count, 1, name)
                XCTAssertEqual(peer.version, names, "\(name): the version agreed")
                XCTAssertEqual(peer.hello.versions, [names], "\(name): the initiator's hello names exactly one version")
            case (_, .close(let error)?) where result.hasPrefix("error "):
                XCTAssertEqual("error \(error.code.rawValue)", result, name)
                let refusal = try Self.sent(afterMessage3, name)
                let delivered = try initiator.receive(refusal)
                XCTAssertEqual(delivered, [.message(error.message)], "\(name): the initiator reads the refusal")
                XCTAssertEqual(try ChannelError(payload: error.message.payload).code, .unsupportedVersion, name)
            default:
                XCTFail("\(name): after message 3 the responder did \(afterMessage3), expected \(result)")
            }
        }
    }

    // MARK: - The handshake transcript

    func testHandshakeTranscriptIsReproducedExactly() throws {
        let vectors = try Self.loadVectors()
        let hellos = try Self.helloVectors()
        for block in vectors.tagged("handshake-vector") {
            let transcript = try Transcript(block)
            let name = transcript.name
            XCTAssertEqual(transcript.protocolName, NoiseXX.protocolName, name)
            XCTAssertEqual(transcript.prologue, NoiseXX.prologue, name)
            XCTAssertEqual(try StaticKeyPair(privateKeyBytes: transcript.initiatorStatic).publicKey,
                           transcript.initiatorStaticPublic, "\(name): initiator static public key")
            XCTAssertEqual(try StaticKeyPair(privateKeyBytes: transcript.responderStatic).publicKey,
                           transcript.responderStaticPublic, "\(name): responder static public key")

            var initiator = try transcript.initiator()
            var responder = try transcript.responder()
            XCTAssertEqual(initiator.localStaticPublicKey, transcript.initiatorStaticPublic, name)
            XCTAssertEqual(responder.localStaticPublicKey, transcript.responderStaticPublic, name)

            // Message 1: → e, empty payload, in clear.
            let message1 = try initiator.writeMessage(payload: [])
            XCTAssertEqual(initiator.localEphemeralPublicKey, transcript.initiatorEphemeralPublic, name)
            XCTAssertEqual(Self.hex(NoiseFrameDecoder.encode(message1)), Self.hex(transcript.message1), "\(name): message 1")
            XCTAssertEqual(Array(transcript.message1.dropFirst(2)), transcript.initiatorEphemeralPublic,
                           "\(name): message 1 is the initiator's ephemeral key and nothing else")
            XCTAssertEqual(try responder.readMessage(try Self.singleFrame(transcript.message1, name)), [],
                           "\(name): message 1's payload is empty")
            XCTAssertEqual(responder.remoteEphemeralPublicKey, transcript.initiatorEphemeralPublic, name)

            // Message 2: ← e, ee, s, es + the responder's hello.
            let message2 = try responder.writeMessage(payload: transcript.responderHello)
            XCTAssertEqual(responder.localEphemeralPublicKey, transcript.responderEphemeralPublic, name)
            XCTAssertEqual(Self.hex(NoiseFrameDecoder.encode(message2)), Self.hex(transcript.message2), "\(name): message 2")
            XCTAssertEqual(Self.hex(try initiator.readMessage(try Self.singleFrame(transcript.message2, name))),
                           Self.hex(transcript.responderHello), "\(name): message 2's payload")
            XCTAssertEqual(initiator.remoteStaticPublicKey, transcript.responderStaticPublic,
                           "\(name): the key the field node compares with its pin")

            // Message 3: → s, se + the initiator's hello.
            let message3 = try initiator.writeMessage(payload: transcript.initiatorHello)
            XCTAssertEqual(Self.hex(NoiseFrameDecoder.encode(message3)), Self.hex(transcript.message3), "\(name): message 3")
            XCTAssertEqual(Self.hex(try responder.readMessage(try Self.singleFrame(transcript.message3, name))),
                           Self.hex(transcript.initiatorHello), "\(name): message 3's payload")
            XCTAssertEqual(responder.remoteStaticPublicKey, transcript.initiatorStaticPublic,
                           "\(name): the key the central looks up among enrolled nodes")

            XCTAssertTrue(initiator.isComplete && responder.isComplete, name)
            XCTAssertEqual(Self.hex(initiator.handshakeHash), Self.hex(transcript.handshakeHash), "\(name): initiator's hash")
            XCTAssertEqual(Self.hex(responder.handshakeHash), Self.hex(transcript.handshakeHash), "\(name): responder's hash")

            // The hellos are hello vectors, and decode to them.
            for (role, bytes, expectedRole) in [("responder", transcript.responderHello, Hello.Role.central),
                                                ("initiator", transcript.initiatorHello, Hello.Role.field)] {
                guard let vector = hellos.first(where: { $0.bytes == bytes }) else {
                    XCTFail("\(name): the \(role) hello is not one of the hello vectors")
                    continue
                }
                XCTAssertEqual(try Hello(decoding: bytes), vector.hello, "\(name): the \(role) hello")
                XCTAssertEqual(vector.hello.role, expectedRole, "\(name): the \(role) hello's role")
            }
            let initiatorHello = try Hello(decoding: transcript.initiatorHello)
            let responderHello = try Hello(decoding: transcript.responderHello)
            XCTAssertEqual(initiatorHello.versions.count, 1, "\(name): the initiator names exactly one version")
            XCTAssertTrue(responderHello.versions.contains(initiatorHello.versions[0]), "\(name): a version both speak")

            // Transport: the initiator pings, the responder pongs the same payload.
            var (initiatorSend, initiatorReceive) = try initiator.split()
            var (responderSend, responderReceive) = try responder.split()
            let ping = try Self.singleMessage(transcript.ping, name)
            let pong = try Self.singleMessage(transcript.pong, name)
            XCTAssertEqual(ping.type, .ping, name)
            XCTAssertEqual(pong, WireMessage(.pong, ping.payload), "\(name): the pong echoes the ping's payload")

            let pingWire = NoiseFrameDecoder.encode(try initiatorSend.encryptWithAd([], plaintext: ping.encoded()))
            XCTAssertEqual(Self.hex(pingWire), Self.hex(transcript.pingWire), "\(name): the sealed ping")
            let pingOpened = try responderReceive.decryptWithAd([], ciphertext: try Self.singleFrame(transcript.pingWire, name))
            XCTAssertEqual(try Self.messages(pingOpened, pieceSize: 1), [ping], "\(name): the ping opened")

            let pongWire = NoiseFrameDecoder.encode(try responderSend.encryptWithAd([], plaintext: pong.encoded()))
            XCTAssertEqual(Self.hex(pongWire), Self.hex(transcript.pongWire), "\(name): the sealed pong")
            let pongOpened = try initiatorReceive.decryptWithAd([], ciphertext: try Self.singleFrame(transcript.pongWire, name))
            XCTAssertEqual(try Self.messages(pongOpened, pieceSize: 1), [pong], "\(name): the pong opened")
            XCTAssertEqual(initiatorSend.nonce, 1, name)
            XCTAssertEqual(responderSend.nonce, 1, name)

            // The same transport message again (a replay) fails authentication.
            XCTAssertThrowsError(try responderReceive.decryptWithAd([], ciphertext: Array(transcript.pingWire.dropFirst(2)))) {
                XCTAssertEqual($0 as? NoiseError, .decryptFailed, "\(name): a replayed ping")
            }
        }
    }

    /// Replayed, reordered, reflected or tampered transport messages fail authentication (§ Nonces).
    func testTamperedReplayedOrReorderedTransportMessagesAreRefused() throws {
        for block in try Self.loadVectors().tagged("handshake-vector") {
            let transcript = try Transcript(block)
            let name = transcript.name
            let ping = Array(transcript.pingWire.dropFirst(2))

            // Every single-bit change of the sealed ping.
            for index in ping.indices {
                var (_, receive) = try transcript.transportStates().responder
                var tampered = ping
                tampered[index] ^= 0x01
                XCTAssertThrowsError(try receive.decryptWithAd([], ciphertext: tampered), "\(name): bit flipped in byte \(index)")
                XCTAssertEqual(receive.nonce, 0, "\(name): a refused message does not move the nonce")
            }
            // Reordered: the initiator's second message arrives first.
            var states = try transcript.transportStates()
            _ = try states.initiator.send.encryptWithAd([], plaintext: WireMessage(.ping).encoded())
            let second = try states.initiator.send.encryptWithAd([], plaintext: WireMessage(.ping).encoded())
            XCTAssertThrowsError(try states.responder.receive.decryptWithAd([], ciphertext: second), "\(name): reordered")
            // Reflected: the initiator's own ping sent back to it.
            XCTAssertThrowsError(try states.initiator.receive.decryptWithAd([], ciphertext: ping), "\(name): reflected")
            // The wrong direction: the responder's own pong fed to its receiving side.
            XCTAssertThrowsError(try states.responder.receive.decryptWithAd([], ciphertext: Array(transcript.pongWire.dropFirst(2))),
                                 "\(name): the peer's direction")
        }
    }

    // MARK: - Decoding helpers

    static func frames(_ bytes: [UInt8], pieceSize: Int) throws -> [[UInt8]] {
        var decoder = NoiseFrameDecoder()
        var frames: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieceSize)
            decoder.append(bytes[offset..<end])
            offset = end
            while let frame = try decoder.nextFrame() { frames.append(frame) }
        }
        XCTAssertEqual(decoder.bufferedCount, 0, "bytes left over after the frames")
        return frames
    }

    static func messages(_ bytes: [UInt8], pieceSize: Int, limit: Int = centralMessageLimit) throws -> [WireMessage] {
        var decoder = MessageDecoder(maxPayload: limit)
        var messages: [WireMessage] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieceSize)
            decoder.append(bytes[offset..<end])
            offset = end
            while let message = try decoder.nextMessage() { messages.append(message) }
        }
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

    // MARK: - The transcript

    struct Transcript {
        let name: String
        let protocolName: String
        let prologue: [UInt8]
        let initiatorStatic, initiatorStaticPublic, initiatorEphemeral, initiatorEphemeralPublic: [UInt8]
        let responderStatic, responderStaticPublic, responderEphemeral, responderEphemeralPublic: [UInt8]
        let responderHello, initiatorHello: [UInt8]
        let message1, message2, message3, handshakeHash: [UInt8]
        let ping, pingWire, pong, pongWire: [UInt8]

        init(_ block: Block) throws {
            try block.require([
                "name", "protocol", "prologue",
                "initiator-static-private", "initiator-static-public", "initiator-ephemeral-private", "initiator-ephemeral-public",
                "responder-static-private", "responder-static-public", "responder-ephemeral-private", "responder-ephemeral-public",
                "responder-hello", "initiator-hello", "message-1", "message-2", "message-3", "handshake-hash",
                "ping", "ping-wire", "pong", "pong-wire",
            ])
            name = try block.text("name")
            protocolName = try block.text("protocol")
            prologue = try block.bytes("prologue")
            initiatorStatic = try block.bytes("initiator-static-private")
            initiatorStaticPublic = try block.bytes("initiator-static-public")
            initiatorEphemeral = try block.bytes("initiator-ephemeral-private")
            initiatorEphemeralPublic = try block.bytes("initiator-ephemeral-public")
            responderStatic = try block.bytes("responder-static-private")
            responderStaticPublic = try block.bytes("responder-static-public")
            responderEphemeral = try block.bytes("responder-ephemeral-private")
            responderEphemeralPublic = try block.bytes("responder-ephemeral-public")
            responderHello = try block.bytes("responder-hello")
            initiatorHello = try block.bytes("initiator-hello")
            message1 = try block.bytes("message-1")
            message2 = try block.bytes("message-2")
            message3 = try block.bytes("message-3")
            handshakeHash = try block.bytes("handshake-hash")
            ping = try block.bytes("ping")
            pingWire = try block.bytes("ping-wire")
            pong = try block.bytes("pong")
            pongWire = try block.bytes("pong-wire")
        }

        func initiator() throws -> HandshakeState {
            try HandshakeState(pattern: NoiseXX.pattern, initiator: true, prologue: prologue, s: initiatorStatic, e: initiatorEphemeral)
        }

        func responder() throws -> HandshakeState {
            try HandshakeState(pattern: NoiseXX.pattern, initiator: false, prologue: prologue, s: responderStatic, e: responderEphemeral)
        }

        /// Both sides' transport cipher states, fresh after this transcript's handshake.
        func transportStates() throws
            -> (initiator: (send: CipherState, receive: CipherState), responder: (send: CipherState, receive: CipherState)) {
            var initiator = try initiator()
            var responder = try responder()
            _ = try responder.readMessage(try initiator.writeMessage(payload: []))
            _ = try initiator.readMessage(try responder.writeMessage(payload: responderHello))
            _ = try responder.readMessage(try initiator.writeMessage(payload: initiatorHello))
            return (try initiator.split(), try responder.split())
        }
    }

    // MARK: - Reading the vectors from the specification

    struct SpecError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// One fenced block: its tag, where it opens, and its `name: value` lines.
    struct Block {
        let tag: String
        let place: String
        let fields: [String: String]

        func require(_ names: Set<String>, optional: Set<String> = []) throws {
            let keys = Set(fields.keys)
            guard names.isSubset(of: keys), keys.isSubset(of: names.union(optional)) else {
                throw SpecError("\(place): a ```\(tag) block has the lines \(names.sorted())"
                    + (optional.isEmpty ? "" : " and optionally \(optional.sorted())") + "; found \(keys.sorted())")
            }
        }

        func text(_ name: String) throws -> String {
            guard let value = fields[name] else { throw SpecError("\(place): no `\(name):` line") }
            return value
        }

        func bytes(_ name: String) throws -> [UInt8] {
            let digits = Array(try text(name).utf8)
            guard digits.count % 2 == 0, digits.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw SpecError("\(place): `\(name)` must be an even number of lowercase hex digits")
            }
            return stride(from: 0, to: digits.count, by: 2).map {
                UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
            }
        }

        func optionalInt(_ name: String) throws -> Int? {
            guard let value = fields[name] else { return nil }
            guard let number = Int(value), number >= 0 else { throw SpecError("\(place): `\(name)` must be a decimal number") }
            return number
        }

        /// A comma-separated list of decimal versions.
        func versions(_ name: String) throws -> [UInt16] {
            try text(name).components(separatedBy: ",").map {
                guard let version = UInt16($0.trimmingCharacters(in: .whitespaces)) else {
                    throw SpecError("\(place): `\(name)` must list decimal versions separated by commas")
                }
                return version
            }
        }

        func messageType(_ name: String) throws -> MessageType {
            let value = try text(name)
            guard let type = MessageType.allCases.first(where: { "\($0)" == value }) else {
                throw SpecError("\(place): unknown message type \(value)")
            }
            return type
        }

        /// A JSON string literal, as RFC 8259 writes it.
        func jsonString(_ name: String) throws -> String {
            let literal = try text(name)
            guard literal.hasPrefix("\""), literal.hasSuffix("\""), literal.count >= 2 else {
                throw SpecError("\(place): `\(name)` must be a JSON string literal, found \(literal)")
            }
            do {
                return try JSONDecoder().decode(String.self, from: Data(literal.utf8))
            } catch {
                throw SpecError("\(place): bad JSON string literal \(literal): \(error)")
            }
        }
    }

    struct Vectors {
        let source: String
        let blocks: [Block]

        func tagged(_ tag: String) -> [Block] { blocks.filter { $0.tag == tag } }
    }

    static let vectorTags: Set = [
        "frame-vector", "message-vector", "hello-vector", "error-vector", "negotiation-vector", "handshake-vector", "invalid-vector",
    ]

    static func loadVectors(filePath: String = #filePath) throws -> Vectors {
        let url = try locateSpecification(filePath: filePath)
        let text = try String(contentsOf: url, encoding: .utf8)
        var blocks: [Block] = []
        var current: (tag: String, line: Int, fields: [String: String])?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            if line.hasPrefix("```") {
                if let block = current {
                    if vectorTags.contains(block.tag) {
                        blocks.append(Block(tag: block.tag, place: "\(url.lastPathComponent) line \(block.line)", fields: block.fields))
                    }
                    current = nil
                } else {
                    current = (String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), index + 1, [:])
                }
                continue
            }
            guard let block = current, vectorTags.contains(block.tag) else { continue }
            guard let colon = line.firstIndex(of: ":") else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                throw SpecError("\(url.lastPathComponent) line \(index + 1): expected `name: value`, found \(line)")
            }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard current!.fields.updateValue(value, forKey: name) == nil else {
                throw SpecError("\(url.lastPathComponent) line \(index + 1): `\(name)` given twice in one vector")
            }
        }
        if let block = current { throw SpecError("the block opened at line \(block.line) is never closed") }
        return Vectors(source: url.path, blocks: blocks)
    }

    /// `protocol/wire.md` two levels above this file. When the test file is reached through a
    /// symbolic link (a scratch package that links it in), the link is resolved first; as a last
    /// resort every directory above is searched. `AUDITSYNC_WIRE_MD` overrides all.
    static func locateSpecification(filePath: String) throws -> URL {
        let manager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["AUDITSYNC_WIRE_MD"], !override.isEmpty {
            guard manager.fileExists(atPath: override) else { throw SpecError("AUDITSYNC_WIRE_MD=\(override) does not exist") }
            return URL(fileURLWithPath: override)
        }
        let file = URL(fileURLWithPath: filePath)
        var candidates: [URL] = []
        for start in [file.resolvingSymlinksInPath(), file] {
            candidates.append(start.deletingLastPathComponent().appendingPathComponent("../../protocol/wire.md").standardized)
        }
        for start in [file.resolvingSymlinksInPath(), file] {
            var directory = start.deletingLastPathComponent()
            while directory.path != "/" && !directory.path.isEmpty {
                candidates.append(directory.appendingPathComponent("protocol/wire.md"))
                directory = directory.deletingLastPathComponent()
            }
        }
        guard let found = candidates.first(where: { manager.fileExists(atPath: $0.path) }) else {
            throw SpecError("protocol/wire.md not found from \(filePath); set AUDITSYNC_WIRE_MD")
        }
        return found
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
