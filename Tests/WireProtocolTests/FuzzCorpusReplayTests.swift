import Foundation
import NoiseProtocol
import TestSupport
import XCTest

@testable import WireProtocol

/// Replays the corpora of the `frame-decoder`, `handshake-responder` and `enrollment-token` fuzz
/// targets and every crasher they ever found (`fuzz/`), with the same checks as the targets, so
/// that what the fuzzer learned stays tested by the ordinary suite. The drivers are written again
/// here on purpose: only the input format (below) is shared with fuzz/targets/. The sync payload
/// checks are in FuzzCorpusReplayTests+Sync.swift.
///
/// frame-decoder input: byte 0 chooses the chunking and small limits, the rest is the stream.
/// handshake-responder input: byte 0 the mode (low 2 bits), byte 1 the chunking, then the body;
/// mode 0 raw stream, 1 after a valid message 1, 2 after a valid message 3 (body as raw frames),
/// 3 after a message 3 whose hello is the body's next `body[0]` bytes, the rest sealed plaintext.
/// enrollment-token input: any bytes, read once as pasted text (UTF-8, ill-formed sequences
/// replaced) and once as a token's content, behind the prefix with its check computed.
final class FuzzCorpusReplayTests: XCTestCase {
    /// Piece sizes taken from the stream's own bytes: 1 + byte mod (1 + selector's low 7 bits),
    /// times 521 when the selector's high bit is set.
    private func pieces(_ selector: UInt8, for stream: [UInt8]) -> [Int] {
        guard !stream.isEmpty else { return [1] }
        var sizes: [Int] = []
        var total = 0
        while total < stream.count {
            let size = (1 + Int(stream[sizes.count % stream.count]) % (Int(selector & 0x7F) + 1)) * (selector >= 0x80 ? 521 : 1)
            sizes.append(size)
            total += size
        }
        return sizes
    }

    /// `stream` cut at the given sizes (one piece when `sizes` is empty).
    private func cut(_ stream: [UInt8], _ sizes: [Int]) -> [ArraySlice<UInt8>] {
        guard !sizes.isEmpty else { return [stream[...]] }
        var slices: [ArraySlice<UInt8>] = []
        var offset = 0
        for size in sizes where offset < stream.count {
            let end = min(stream.count, offset + size)
            slices.append(stream[offset..<end])
            offset = end
        }
        return slices.isEmpty ? [stream[...]] : slices
    }

    // MARK: frame-decoder

    private struct Decoded<Item: Equatable>: Equatable {
        var items: [Item] = []
        var error: FramingError?
        var held = 0
    }

    private func frames(_ stream: [UInt8], _ sizes: [Int], maxLength: Int) -> Decoded<[UInt8]> {
        var decoder = NoiseFrameDecoder(maxLength: maxLength)
        var result = Decoded<[UInt8]>()
        for piece in cut(stream, sizes) {
            decoder.append(piece)
            do throws(FramingError) {
                while let frame = try decoder.nextFrame() { result.items.append(frame) }
            } catch {
                result.error = error
                return result
            }
        }
        result.held = decoder.bufferedCount
        return result
    }

    private func messages(_ stream: [UInt8], _ sizes: [Int], maxPayload: Int) -> Decoded<WireMessage> {
        var decoder = MessageDecoder(maxPayload: maxPayload)
        var result = Decoded<WireMessage>()
        for piece in cut(stream, sizes) {
            decoder.append(piece)
            do throws(FramingError) {
                while let message = try decoder.nextMessage() { result.items.append(message) }
            } catch {
                result.error = error
                return result
            }
        }
        result.held = decoder.bufferedCount
        return result
    }

    private func checkHello(_ bytes: [UInt8], _ name: String) -> Bool {
        guard let hello = try? Hello(decoding: bytes) else { return false }
        XCTAssertEqual(hello.encoded(), bytes, "\(name): a hello that re-encodes differently")
        return true
    }

    private func checkEnrollRequest(_ payload: [UInt8], _ name: String) -> Bool {
        guard let request = try? EnrollRequest(payload: payload) else { return false }
        XCTAssertEqual(request.message.type, .enroll, name)
        XCTAssertEqual(request.message.payload, payload, "\(name): an enroll payload that re-encodes differently")
        return true
    }

    private func checkEnrollGrant(_ payload: [UInt8], _ name: String) -> Bool {
        guard let grant = try? EnrollGrant(payload: payload) else { return false }
        XCTAssertEqual(grant.message.type, .enrolled, name)
        XCTAssertEqual(grant.message.payload, payload, "\(name): an enrolled payload that re-encodes differently")
        return true
    }

    private func checkChannelError(_ payload: [UInt8], _ name: String) {
        guard let error = try? ChannelError(payload: payload) else {
            XCTAssertLessThan(payload.count, 2, "\(name): refused an error payload")
            return
        }
        let raw = UInt16(payload[0]) << 8 | UInt16(payload[1])
        XCTAssertEqual(error.code, ChannelError.Code(rawValue: raw) ?? .other, name)
        XCTAssertEqual(error.message.type, .error, name)
        let reason = Array(payload[2...])
        if ChannelError.Code(rawValue: raw) != nil, reason.count <= 1024, String(validating: reason, as: UTF8.self) != nil {
            XCTAssertEqual(error.message.payload, payload, "\(name): the error payload does not round-trip")
        }
    }

    func testEveryFrameDecoderInputDecodesTheSameWhateverTheChunking() throws {
        let files = try FuzzCorpus.inputs("corpus/frame-decoder") + FuzzCorpus.inputs("crashers/frame-decoder")
        XCTAssertGreaterThan(files.count, 10, "the committed frame-decoder corpus is missing")
        var seen = (frames: 0, messages: 0, hellos: 0, errors: 0, enrolls: 0, grants: 0)
        var sync: [MessageType: Int] = [:]
        for file in files {
            let name = file.lastPathComponent
            let input = [UInt8](try Data(contentsOf: file))
            guard let selector = input.first else { continue }
            let stream = Array(input.dropFirst())
            let sizes = pieces(selector, for: stream)

            for limit in [NoiseFrameDecoder.maxFrameLength, 1 + Int(selector) * 16] {
                let whole = frames(stream, [], maxLength: limit)
                XCTAssertEqual(frames(stream, sizes, maxLength: limit), whole, "\(name): frames depend on the chunking")
                XCTAssertEqual(frames(stream, Array(repeating: 1, count: stream.count), maxLength: limit), whole, "\(name): byte by byte")
                let encoded = whole.items.flatMap(NoiseFrameDecoder.encode)
                XCTAssertEqual(encoded, Array(stream.prefix(encoded.count)), "\(name): the frames are not the stream")
                if whole.error == nil { XCTAssertEqual(whole.held, stream.count - encoded.count, name) }
                XCTAssertTrue(whole.items.allSatisfy { !$0.isEmpty && $0.count <= limit }, name)
                seen.frames += whole.items.count
                for frame in whole.items where checkHello(frame, name) { seen.hellos += 1 }
                let plain = whole.items.flatMap { $0 }
                let byFrame = messages(plain, whole.items.map(\.count), maxPayload: MessageDecoder.defaultMaxPayload)
                XCTAssertEqual(byFrame, messages(plain, [], maxPayload: MessageDecoder.defaultMaxPayload),
                               "\(name): messages depend on the frame boundaries")
                for message in byFrame.items {
                    if message.type == .enroll, checkEnrollRequest(message.payload, name) { seen.enrolls += 1 }
                    if message.type == .enrolled, checkEnrollGrant(message.payload, name) { seen.grants += 1 }
                    checkSyncMessage(message, name, counting: &sync)
                }
            }
            for limit in [MessageDecoder.defaultMaxPayload, Int(selector)] {
                let whole = messages(stream, [], maxPayload: limit)
                XCTAssertEqual(messages(stream, sizes, maxPayload: limit), whole, "\(name): messages depend on the chunking")
                let encoded = whole.items.flatMap { $0.encoded() }
                XCTAssertEqual(encoded, Array(stream.prefix(encoded.count)), "\(name): the messages are not the stream")
                if whole.error == nil { XCTAssertEqual(whole.held, stream.count - encoded.count, name) }
                XCTAssertTrue(whole.items.allSatisfy { $0.payload.count <= limit }, name)
                seen.messages += whole.items.count
                for message in whole.items {
                    switch message.type {
                    case .error:
                        checkChannelError(message.payload, name)
                        seen.errors += 1
                    case .enroll:
                        if checkEnrollRequest(message.payload, name) { seen.enrolls += 1 }
                    case .enrolled:
                        if checkEnrollGrant(message.payload, name) { seen.grants += 1 }
                    default:
                        checkSyncMessage(message, name, counting: &sync)
                    }
                }
            }
            if checkHello(stream, name) { seen.hellos += 1 }
            if checkHello(input, name) { seen.hellos += 1 }
            checkChannelError(stream, name)
            if checkEnrollRequest(stream, name) { seen.enrolls += 1 }
            if checkEnrollGrant(stream, name) { seen.grants += 1 }
            for type in Self.syncTypes { _ = checkSyncPayload(stream, as: type, name) }
        }
        XCTAssertGreaterThan(seen.frames, 0, "no corpus input holds a frame")
        XCTAssertGreaterThan(seen.messages, 0, "no corpus input holds a message")
        XCTAssertGreaterThan(seen.hellos, 0, "no corpus input holds a hello")
        XCTAssertGreaterThan(seen.errors, 0, "no corpus input holds an error message")
        XCTAssertGreaterThan(seen.enrolls, 0, "no corpus input holds an enroll payload")
        XCTAssertGreaterThan(seen.grants, 0, "no corpus input holds an enrolled payload")
        assertEverySyncTypeSeen(sync)
    }

    // MARK: handshake-responder

    private static let responderKey = try! StaticKeyPair(privateKeyBytes: (0..<32).map { UInt8($0) &* 7 &+ 3 })
    private static let initiatorStatic: [UInt8] = (0..<32).map { UInt8($0) &* 11 &+ 5 }
    private static let initiatorEphemeral: [UInt8] = (0..<32).map { UInt8($0) &* 13 &+ 9 }
    private static let responderHello = Hello(versions: ProtocolVersion.supported, node: 0xC0FFEE, role: .central, name: "fuzz-central")
    private static let initiatorHello = Hello(versions: [ProtocolVersion.current], node: 42, role: .field, name: "fuzz-field")

    /// A `.send` holds fresh ciphertext on each session: only its length is compared.
    private enum Seen: Equatable {
        case send(Int), established(SecureSession.Peer), message(WireMessage), close(ChannelError)
    }

    private struct Run: Equatable {
        var events: [Seen] = []
        var error: SessionError?
        var phase: SecureSession.Phase = .awaitingMessage1
        var peer: SecureSession.Peer?
    }

    private func responder() throws -> SecureSession {
        try SecureSession(role: .responder, staticKey: Self.responderKey, hello: Self.responderHello)
    }

    private func feed(_ session: inout SecureSession, _ stream: [UInt8], _ sizes: [Int], _ name: String) -> Run {
        var run = Run()
        for piece in cut(stream, sizes) {
            do throws(SessionError) {
                for event in try session.receive(piece) {
                    switch event {
                    case .send(let bytes): run.events.append(.send(bytes.count))
                    case .established(let peer): run.events.append(.established(peer))
                    case .message(let message): run.events.append(.message(message))
                    case .close(let error): run.events.append(.close(error))
                    }
                }
            } catch {
                run.error = error
                XCTAssertEqual(session.phase, .closed, "\(name): \(error) left the session open")
                let more = try? session.receive([0, 1, 0])
                XCTAssertTrue(more?.isEmpty ?? true, "\(name): a closed session took more bytes")
                XCTAssertEqual(session.phase, .closed, name)
                break
            }
        }
        run.phase = session.phase
        run.peer = session.peer
        return run
    }

    private func initiatorAfterMessage1() throws -> (HandshakeState, [UInt8]) {
        var initiator = try HandshakeState(pattern: NoiseXX.pattern, initiator: true, prologue: NoiseXX.prologue,
                                           s: Self.initiatorStatic, e: Self.initiatorEphemeral)
        let message1 = try initiator.writeMessage(payload: [])
        return (initiator, NoiseFrameDecoder.encode(message1))
    }

    /// A responder past message 1, and the stream of message 3 (carrying `hello`) and what follows.
    private func afterMessage3(hello: [UInt8], raw: [UInt8]?, plain: [UInt8], selector: UInt8) throws -> (SecureSession, [UInt8]) {
        var session = try responder()
        let start = try initiatorAfterMessage1()
        var initiator = start.0
        let reply = try session.receive(start.1)
        guard reply.count == 1, case .send(let framed) = reply[0] else {
            XCTFail("message 1 gave \(reply)")
            return (session, [])
        }
        var frames = NoiseFrameDecoder()
        frames.append(framed)
        let message2 = try XCTUnwrap(try frames.nextFrame())
        let theirs = try initiator.readMessage(message2)
        XCTAssertEqual(try Hello(decoding: theirs), Self.responderHello)
        XCTAssertEqual(initiator.remoteStaticPublicKey, Self.responderKey.publicKey)
        var stream = NoiseFrameDecoder.encode(try initiator.writeMessage(payload: hello))
        var sending = try initiator.split().send
        if let raw {
            stream += raw
        } else {
            var offset = 0
            for size in pieces(selector, for: plain) where offset < plain.count {
                let end = min(plain.count, offset + size, offset + NoiseConstants.maxPlaintextLength)
                stream += NoiseFrameDecoder.encode(try sending.encryptWithAd([], plaintext: Array(plain[offset..<end])))
                offset = end
            }
        }
        return (session, stream)
    }

    private func assertSameWhateverTheChunking(_ whole: Run, _ cut: Run, _ name: String) {
        if whole.error == nil {
            XCTAssertEqual(cut, whole, "\(name): the chunking changed the session")
        } else {
            XCTAssertEqual(cut.error, whole.error, "\(name): the chunking changed the error")
            XCTAssertEqual(cut.phase, whole.phase, name)
            XCTAssertEqual(cut.peer, whole.peer, name)
        }
    }

    func testEveryHandshakeResponderInputIsRefusedOrHandledTheSameWhateverTheChunking() throws {
        let files = try FuzzCorpus.inputs("corpus/handshake-responder") + FuzzCorpus.inputs("crashers/handshake-responder")
        XCTAssertGreaterThan(files.count, 10, "the committed handshake-responder corpus is missing")
        var seen = (modes: Set<UInt8>(), established: 0, refused: 0, messages: 0, failures: 0)
        for file in files {
            let name = file.lastPathComponent
            let input = [UInt8](try Data(contentsOf: file))
            let mode = (input.first ?? 0) & 0x03
            let selector = input.count > 1 ? input[1] : 0
            let body = Array(input.dropFirst(2))
            seen.modes.insert(mode)

            if mode < 2 {
                let stream = mode == 0 ? body : try initiatorAfterMessage1().1 + body
                var first = try responder()
                var second = try responder()
                let whole = feed(&first, stream, [], name)
                let cut = feed(&second, stream, pieces(selector, for: stream), name)
                assertSameWhateverTheChunking(whole, cut, name)
                XCTAssertNil(whole.peer, "\(name): a session established without a genuine message 3")
                if mode == 1, whole.error == nil {
                    XCTAssertEqual(whole.events.first, .send(2 + 32 + 48 + Self.responderHello.encoded().count + 16), name)
                }
                if whole.error != nil { seen.failures += 1 }
                continue
            }

            var helloBytes = Self.initiatorHello.encoded()
            var raw: [UInt8]? = body
            var plain: [UInt8] = []
            if mode == 3 {
                let length = Int(body.first ?? 0)
                helloBytes = Array(body.dropFirst().prefix(length))
                plain = Array(body.dropFirst(1 + length))
                raw = nil
            }
            let one = try afterMessage3(hello: helloBytes, raw: raw, plain: plain, selector: selector)
            let other = try afterMessage3(hello: helloBytes, raw: raw, plain: plain, selector: selector)
            var first = one.0
            var second = other.0
            let whole = feed(&first, one.1, [], name)
            let cut = feed(&second, other.1, pieces(selector, for: other.1), name)
            assertSameWhateverTheChunking(whole, cut, name)
            if whole.error != nil { seen.failures += 1 }

            // What message 3 and the transport stream say the session must do.
            let hello: Hello
            do throws(FramingError) {
                hello = try Hello(decoding: helloBytes)
            } catch {
                XCTAssertEqual(whole.error, .framing(error), "\(name): a malformed hello")
                XCTAssertNil(whole.peer, name)
                continue
            }
            var events = whole.events[...]
            if hello.versions.count == 1, let version = hello.versions.first, ProtocolVersion.supported.contains(version) {
                let peer = SecureSession.Peer(staticKey: try StaticKeyPair(privateKeyBytes: Self.initiatorStatic).publicKey,
                                              hello: hello, version: version)
                XCTAssertEqual(whole.peer, peer, "\(name): a valid message 3 did not establish the initiator")
                if whole.error == nil { XCTAssertEqual(events.popFirst(), .established(peer), name) }
                seen.established += 1
            } else {
                // Refused: the refusal goes out sealed, the session closes and ignores what follows.
                XCTAssertNil(whole.peer, "\(name): established with versions \(hello.versions)")
                XCTAssertNil(whole.error, name)
                XCTAssertEqual(whole.phase, .closed, name)
                guard whole.events.count == 2, case .send = whole.events[0], case .close(let refusal) = whole.events[1] else {
                    XCTFail("\(name): versions \(hello.versions) were not refused: \(whole.events)")
                    continue
                }
                XCTAssertEqual(refusal.code, .unsupportedVersion, name)
                seen.refused += 1
                continue
            }
            guard mode == 3 else { continue }
            var decoder = MessageDecoder()
            decoder.append(plain)
            var expected: [Seen] = []
            do throws(FramingError) {
                while let message = try decoder.nextMessage() { expected.append(.message(message)) }
            } catch {
                XCTAssertEqual(whole.error, .framing(error), "\(name): the plaintext fails, so must the session")
                continue
            }
            XCTAssertNil(whole.error, name)
            XCTAssertEqual(Array(events), expected, "\(name): the session did not deliver the sealed messages")
            seen.messages += expected.count
        }
        XCTAssertEqual(seen.modes, [0, 1, 2, 3], "the corpus lost a mode")
        XCTAssertGreaterThan(seen.established, 0, "no corpus input completes the handshake")
        XCTAssertGreaterThan(seen.refused, 0, "no corpus input is refused for its version")
        XCTAssertGreaterThan(seen.messages, 0, "no corpus input delivers a message through the channel")
        XCTAssertGreaterThan(seen.failures, 0, "no corpus input makes the session fail")
    }
}
