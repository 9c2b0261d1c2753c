import Foundation
import NoiseProtocol
import XCTest

@testable import WireProtocol

/// Checks the wire protocol against the test vectors of `protocol/wire.md`, read from the document
/// itself at run time so that the specification and the code cannot drift apart: every vector
/// byte for byte in both directions, every invalid vector refused with its named error, and the
/// handshake transcript reproduced exactly from its keys.
///
/// This file reads the vectors from the document and checks how many there are and the constants
/// its prose states. The vectors themselves are checked in `WireGoldenVectorTests+Encodings.swift`
/// (frames, messages, hellos, errors, invalid input) and `WireGoldenVectorTests+Handshake.swift`
/// (version negotiation, the handshake transcript, transport messages) and
/// `WireGoldenVectorTests+Sync.swift` (the sync messages' payloads), with the decoding helpers
/// they share in `WireGoldenVectorTestSupport.swift`.
final class WireGoldenVectorTests: XCTestCase {
    /// Update these together with the vectors in `protocol/wire.md`: removing a vector must be a
    /// deliberate change, not an accident.
    static let expectedCounts: [String: Int] = [
        "frame-vector": 3,
        "message-vector": 7,
        "hello-vector": 4,
        "error-vector": 7,
        "negotiation-vector": 4,
        "handshake-vector": 1,
        "invalid-vector": 28,
        "sync-vector": 15,
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
        XCTAssertEqual(ProtocolVersion.supported, [2])
        XCTAssertEqual(ProtocolVersion.current, 2)
        XCTAssertEqual(MessageType.allCases.map(\.rawValue), [0x01, 0x02, 0x03, 0x10, 0x11] + Array(0x20...0x2E))
        XCTAssertEqual(ChannelError.Code.allCases.map(\.rawValue), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0xFFFF])
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
        "sync-vector",
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
