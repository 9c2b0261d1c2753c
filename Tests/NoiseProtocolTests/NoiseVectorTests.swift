import Foundation
import NoiseProtocol
import XCTest

/// Reproduces the cacophony test vectors for `*_25519_ChaChaPoly_SHA256` byte for byte: every
/// handshake and transport ciphertext on the writer's side, every payload on the reader's side, and
/// the final handshake hash on both sides.
final class NoiseVectorTests: XCTestCase {
    private struct VectorFile: Decodable {
        let vectors: [Vector]
    }

    private struct Vector: Decodable {
        struct Message: Decodable {
            let payload: String
            let ciphertext: String
        }

        let protocolName: String
        let initPrologue: String
        let initPsks: [String]?
        let initStatic: String?
        let initEphemeral: String
        let initRemoteStatic: String?
        let respPrologue: String
        let respPsks: [String]?
        let respStatic: String?
        let respEphemeral: String?
        let respRemoteStatic: String?
        let handshakeHash: String
        let messages: [Message]
    }

    /// The vector file, found next to this source file. Symlinks are resolved so that the path also
    /// works when the test folder is linked into another package.
    private static var vectorFileURL: URL {
        URL(fileURLWithPath: #filePath)
            .resolvingSymlinksInPath()
            .deletingLastPathComponent()
            .appendingPathComponent("Vectors")
            .appendingPathComponent("cacophony-25519-chachapoly-sha256.json")
    }

    func testEveryCacophonyVectorIsReproducedByteForByte() throws {
        let data = try Data(contentsOf: Self.vectorFileURL)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let vectors = try decoder.decode(VectorFile.self, from: data).vectors

        var verified: [String] = []
        for vector in vectors {
            do {
                let problems = try run(vector)
                if problems.isEmpty {
                    verified.append(vector.protocolName)
                } else {
                    XCTFail("\(vector.protocolName):\n" + problems.joined(separator: "\n"))
                }
            } catch {
                XCTFail("\(vector.protocolName): threw \(error)")
            }
        }

        XCTAssertEqual(verified.count, 59, "every vector in the file must be verified")
        XCTAssertEqual(Set(verified).count, verified.count, "each protocol name once")
        XCTAssertTrue(verified.contains("Noise_XX_25519_ChaChaPoly_SHA256"))
        XCTAssertTrue(verified.contains("Noise_XXpsk3_25519_ChaChaPoly_SHA256"))
        XCTAssertTrue(verified.contains("Noise_X1K1_25519_ChaChaPoly_SHA256"))
    }

    /// Runs one vector and returns a line for each mismatch.
    private func run(_ vector: Vector) throws -> [String] {
        let pattern = try HandshakePattern(protocolName: vector.protocolName)
        var initiator = try HandshakeState(
            pattern: pattern,
            initiator: true,
            prologue: [UInt8](hex: vector.initPrologue),
            s: vector.initStatic.map { try [UInt8](hex: $0) },
            e: [UInt8](hex: vector.initEphemeral),
            rs: vector.initRemoteStatic.map { try [UInt8](hex: $0) },
            psks: (vector.initPsks ?? []).map { try [UInt8](hex: $0) }
        )
        var responder = try HandshakeState(
            pattern: pattern,
            initiator: false,
            prologue: [UInt8](hex: vector.respPrologue),
            s: vector.respStatic.map { try [UInt8](hex: $0) },
            e: vector.respEphemeral.map { try [UInt8](hex: $0) },
            rs: vector.respRemoteStatic.map { try [UInt8](hex: $0) },
            psks: (vector.respPsks ?? []).map { try [UInt8](hex: $0) }
        )

        var problems: [String] = []
        var initiatorCiphers: (send: CipherState, receive: CipherState)?
        var responderCiphers: (send: CipherState, receive: CipherState)?
        for (index, message) in vector.messages.enumerated() {
            let payload = try [UInt8](hex: message.payload)
            let expected = try [UInt8](hex: message.ciphertext)
            // In one-way patterns every message, handshake and transport, goes initiator → responder;
            // otherwise the direction alternates, handshake and transport alike.
            let initiatorSends = pattern.isOneWay || index % 2 == 0
            let written: [UInt8]
            let read: [UInt8]

            if !initiator.isComplete {
                if initiatorSends {
                    written = try initiator.writeMessage(payload: payload)
                    read = try responder.readMessage(expected)
                } else {
                    written = try responder.writeMessage(payload: payload)
                    read = try initiator.readMessage(expected)
                }
                if initiator.isComplete != responder.isComplete {
                    problems.append("message \(index): only one side finished the handshake")
                }
                if initiator.isComplete, responder.isComplete {
                    initiatorCiphers = try initiator.split()
                    responderCiphers = try responder.split()
                }
            } else {
                guard var sender = initiatorSends ? initiatorCiphers?.send : responderCiphers?.send,
                      var receiver = initiatorSends ? responderCiphers?.receive : initiatorCiphers?.receive
                else {
                    problems.append("message \(index): no transport cipher states")
                    break
                }
                written = try sender.encryptWithAd([], plaintext: payload)
                read = try receiver.decryptWithAd([], ciphertext: expected)
                if initiatorSends {
                    initiatorCiphers?.send = sender
                    responderCiphers?.receive = receiver
                } else {
                    responderCiphers?.send = sender
                    initiatorCiphers?.receive = receiver
                }
            }

            if written != expected {
                problems.append("message \(index): wrote \(written.hex), expected \(expected.hex)")
            }
            if read != payload {
                problems.append("message \(index): read payload \(read.hex), expected \(payload.hex)")
            }
        }

        if !initiator.isComplete { problems.append("the handshake never completed") }
        for (side, hash) in [("initiator", initiator.handshakeHash), ("responder", responder.handshakeHash)]
        where hash.hex != vector.handshakeHash {
            problems.append("\(side) handshake hash \(hash.hex), expected \(vector.handshakeHash)")
        }
        return problems
    }
}
