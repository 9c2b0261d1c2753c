import Foundation
import NoiseProtocol
import XCTest

@testable import WireProtocol

/// The handshake vectors of `protocol/wire.md`: version negotiation between the versions each side
/// speaks, the Noise XX transcript reproduced exactly from its keys, and transport messages that
/// are replayed, reordered, reflected or tampered with refused.
extension WireGoldenVectorTests {
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
}
