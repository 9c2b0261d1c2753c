// libFuzzer target `handshake-responder`: a responder SecureSession (the central's side) fed
// bytes as if from the network. Built by `fuzz/run handshake-responder` through the small
// package fuzz/Package.swift, against the WireProtocol and NoiseProtocol sources themselves.
//
// Input: byte 0 picks the mode (low 2 bits), byte 1 the chunking; the rest is the body.
//   mode 0  the body is the whole stream from the network;
//   mode 1  a valid message 1 (fixed initiator keys), then the body;
//   mode 2  message 1, a valid message 3 (with a valid initiator hello), then the body as
//           transport frames (raw, so they reach the framing and the decryption);
//   mode 3  message 1, message 3 whose hello is fuzzed (body byte 0 is its length), then the
//           rest of the body as plaintext, sealed by the initiator into transport messages, so
//           the fuzzer drives the message layer through the channel.
// Message 3 is built by an initiator HandshakeState (fixed static and ephemeral keys) from the
// session's own message 2: the responder picks a fresh ephemeral key, so its messages 2 and 3
// differ on each run while the plaintext does not.
//
// Each stream goes to one fresh session at once and to another in pieces whose sizes come from
// the input. Findings (fatalError): a trap; the two sessions disagreeing (events, the error, the
// phase, the peer); a session that fails without closing, or acts on bytes once closed; a
// session whose outcome contradicts what the stream says (a valid hello not established, a
// version refused without the refusal and the close, or with events after it, decoded messages
// other than the plaintext's).

import NoiseProtocol
import FuzzSupport
import WireProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHandshakeResponder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let mode = (input.first ?? 0) & 0x03
    let selector = input.count > 1 ? input[1] : 0
    let body = Array(input.dropFirst(2))

    switch mode {
    case 0, 1:
        let stream = mode == 0 ? body : Fixture.message1Frame + body
        let whole = run(stream, pieces: [])
        let cut = run(stream, pieces: pieceSizes(selector: selector, stream: stream))
        compare(whole, cut)
        guard whole.peer == nil else { fatalError("a session established without a genuine message 3: \(whole)") }
        if mode == 1, whole.error == nil, whole.events.first != .send(Fixture.message2Length) {
            fatalError("a valid message 1 got no message 2: \(whole.events)")
        }
    default:
        var helloBytes = Fixture.initiatorHello.encoded()
        var transport: Transport = .raw(body)
        if mode == 3 {
            let length = Int(body.first ?? 0)
            helloBytes = Array(body.dropFirst().prefix(length))
            transport = .sealed(Array(body.dropFirst(1 + length)))
        }
        let whole = runAfterHandshake(helloBytes: helloBytes, transport: transport, selector: selector, cut: false)
        let cut = runAfterHandshake(helloBytes: helloBytes, transport: transport, selector: selector, cut: true)
        compare(whole, cut)
        checkAgainstTheStream(whole, helloBytes: helloBytes, transport: transport)
    }
    return 0
}

enum Fixture {
    static let responderKey = try! StaticKeyPair(privateKeyBytes: (0..<32).map { UInt8($0) &* 7 &+ 3 })
    static let initiatorStatic: [UInt8] = (0..<32).map { UInt8($0) &* 11 &+ 5 }
    static let initiatorEphemeral: [UInt8] = (0..<32).map { UInt8($0) &* 13 &+ 9 }
    static let initiatorStaticPublic = try! StaticKeyPair(privateKeyBytes: initiatorStatic).publicKey
    static let responderHello = Hello(versions: ProtocolVersion.supported, node: 0xC0FFEE, role: .central, name: "fuzz-central")
    static let initiatorHello = Hello(versions: [ProtocolVersion.current], node: 42, role: .field, name: "fuzz-field")

    /// The initiator after writing message 1, and message 1 (its bytes never change).
    static let afterMessage1: (HandshakeState, [UInt8]) = {
        var initiator = try! HandshakeState(pattern: NoiseXX.pattern, initiator: true, prologue: NoiseXX.prologue,
                                            s: initiatorStatic, e: initiatorEphemeral)
        let message = try! initiator.writeMessage(payload: [])
        return (initiator, message)
    }()
    static let message1Frame = NoiseFrameDecoder.encode(afterMessage1.1)
    /// e (32), encrypted s (48), encrypted hello (+16), plus the 2-byte length.
    static let message2Length = 2 + 32 + 48 + responderHello.encoded().count + 16

    static func responder() -> SecureSession {
        try! SecureSession(role: .responder, staticKey: responderKey, hello: responderHello)
    }
}

/// What follows message 3: bytes as they are, or plaintext the initiator seals.
enum Transport {
    case raw([UInt8])
    case sealed([UInt8])
}

/// A `.send` carries fresh ciphertext on each run: only its length is compared.
enum Seen: Equatable {
    case send(Int)
    case established(SecureSession.Peer)
    case message(WireMessage)
    case close(ChannelError)

    init(_ event: SecureSession.Event) {
        switch event {
        case .send(let bytes): self = .send(bytes.count)
        case .established(let peer): self = .established(peer)
        case .message(let message): self = .message(message)
        case .close(let error): self = .close(error)
        }
    }
}

struct Outcome: Equatable {
    /// Every event, when no call threw; with an error, only those of the calls before it.
    var events: [Seen] = []
    var error: SessionError?
    var phase: SecureSession.Phase
    var peer: SecureSession.Peer?
}

/// Feeds `stream` to a fresh responder: at once (`pieces` empty) or in pieces, stopping at the
/// first error, which must close the session.
func run(_ stream: [UInt8], pieces: [Int], into session: inout SecureSession) -> Outcome {
    var events: [Seen] = []
    var offset = 0
    var next = 0
    repeat {
        let size = next < pieces.count ? pieces[next] : stream.count - offset
        next += 1
        let end = min(stream.count, offset + size)
        do throws(SessionError) {
            events += try session.receive(stream[offset..<end]).map(Seen.init)
        } catch {
            guard session.phase == .closed else { fatalError("\(error) left the session \(session.phase)") }
            // A closed session ignores or refuses what else arrives; it never acts on it.
            if let more = try? session.receive([0, 1, 0]), !more.isEmpty || session.phase != .closed {
                fatalError("a closed session took more bytes: \(more), \(session.phase)")
            }
            return Outcome(events: events, error: error, phase: session.phase, peer: session.peer)
        }
        offset = end
    } while offset < stream.count
    return Outcome(events: events, phase: session.phase, peer: session.peer)
}

func run(_ stream: [UInt8], pieces: [Int]) -> Outcome {
    var session = Fixture.responder()
    return run(stream, pieces: pieces, into: &session)
}

/// Message 1, then message 3 and what follows it as one stream, at once or in pieces.
func runAfterHandshake(helloBytes: [UInt8], transport: Transport, selector: UInt8, cut: Bool) -> Outcome {
    var session = Fixture.responder()
    var initiator = Fixture.afterMessage1.0
    let reply: [SecureSession.Event]
    do {
        reply = try session.receive(Fixture.message1Frame)
    } catch {
        fatalError("the responder refused a valid message 1: \(error)")
    }
    guard reply.count == 1, case .send(let message2Frame) = reply[0] else { fatalError("message 1 gave \(reply)") }
    var frames = NoiseFrameDecoder()
    frames.append(message2Frame)
    let message3: [UInt8]
    var sending: CipherState
    do {
        guard let message2 = try frames.nextFrame(), frames.bufferedCount == 0 else { fatalError("message 2 is not one frame") }
        let hello = try Hello(decoding: try initiator.readMessage(message2))
        guard hello == Fixture.responderHello, initiator.remoteStaticPublicKey == Fixture.responderKey.publicKey else {
            fatalError("message 2 carries \(hello) from \(initiator.remoteStaticPublicKey ?? [])")
        }
        message3 = try initiator.writeMessage(payload: helloBytes)
        sending = try initiator.split().send
    } catch {
        fatalError("the initiator could not finish the handshake: \(error)")
    }
    var stream = NoiseFrameDecoder.encode(message3)
    switch transport {
    case .raw(let bytes):
        stream += bytes
    case .sealed(let plain):
        var offset = 0
        for size in pieceSizes(selector: selector, stream: plain) where offset < plain.count {
            let end = min(plain.count, offset + size, offset + NoiseConstants.maxPlaintextLength)
            do {
                stream += NoiseFrameDecoder.encode(try sending.encryptWithAd([], plaintext: Array(plain[offset..<end])))
            } catch {
                fatalError("the initiator could not seal: \(error)")
            }
            offset = end
        }
    }
    return run(stream, pieces: cut ? pieceSizes(selector: selector, stream: stream) : [], into: &session)
}

/// The session fed at once and the one fed in pieces must agree. Events are only comparable
/// when nothing threw: a throwing call returns none.
func compare(_ whole: Outcome, _ cut: Outcome) {
    if whole.error == nil {
        guard whole == cut else { fatalError("the chunking changed the session: \(whole) vs \(cut)") }
    } else {
        guard whole.error == cut.error, whole.phase == cut.phase, whole.peer == cut.peer else {
            fatalError("the chunking changed how the session failed: \(whole) vs \(cut)")
        }
    }
}

/// Message 3 and the transport stream say what the session must do with them.
func checkAgainstTheStream(_ outcome: Outcome, helloBytes: [UInt8], transport: Transport) {
    let hello: Hello
    do {
        hello = try Hello(decoding: helloBytes)
    } catch {
        guard outcome.error == .framing(error), outcome.peer == nil else {
            fatalError("message 3 with a malformed hello (\(error)) ended with \(outcome)")
        }
        return
    }
    var events = outcome.events[...]
    if hello.versions.count == 1, let version = hello.versions.first, ProtocolVersion.supported.contains(version) {
        guard let peer = outcome.peer, peer.staticKey == Fixture.initiatorStaticPublic, peer.hello == hello,
              peer.version == version else {
            fatalError("a valid message 3 did not establish the initiator with \(hello): \(outcome)")
        }
        if outcome.error == nil {
            guard events.popFirst() == .established(peer) else { fatalError("no established event: \(outcome.events)") }
        }
    } else {
        // Refused: the refusal goes out sealed, the session closes and ignores whatever follows.
        guard outcome.peer == nil, outcome.error == nil, outcome.phase == .closed, outcome.events.count == 2,
              case .send = outcome.events[0], case .close(let refusal) = outcome.events[1],
              refusal.code == .unsupportedVersion else {
            fatalError("versions \(hello.versions) were not refused: \(outcome)")
        }
        return
    }
    guard case .sealed(let plain) = transport else { return }
    // Genuine transport frames reach the message decoder as one stream of plaintext.
    var decoder = MessageDecoder()
    decoder.append(plain)
    var expected: [Seen] = []
    do throws(FramingError) {
        while let message = try decoder.nextMessage() { expected.append(.message(message)) }
    } catch {
        guard outcome.error == .framing(error) else { fatalError("the plaintext fails with \(error); the session with \(outcome)") }
        return
    }
    guard outcome.error == nil, Array(events) == expected else {
        fatalError("the session did not deliver the sealed messages: \(outcome) vs \(expected)")
    }
}

