import Foundation
import XCTest
@testable import MergeCore

/// Checks the record codec against the test vectors of `protocol/records.md`, read from the
/// document itself at run time so that the specification and the code cannot drift apart.
final class RecordGoldenVectorTests: XCTestCase {
    /// Update these together with the vectors in `protocol/records.md`: removing a vector must
    /// be a deliberate change, not an accident.
    static let expectedValidCount = 12
    static let expectedInvalidCount = 22

    func testVectorCounts() throws {
        let vectors = try Self.loadVectors()
        XCTAssertEqual(vectors.valid.count, Self.expectedValidCount, "valid vectors in \(vectors.source)")
        XCTAssertEqual(vectors.invalid.count, Self.expectedInvalidCount, "invalid vectors in \(vectors.source)")
    }

    func testValidVectorsEncodeToTheirBytes() throws {
        for vector in try Self.loadVectors().valid {
            XCTAssertEqual(vector.record.seen, vector.listedSeen,
                           "\(vector.name): seen must be listed in canonical order, without repeats")
            XCTAssertNoThrow(try vector.record.validate(), vector.name)
            XCTAssertEqual(Self.hex(vector.record.encoded()), Self.hex(vector.bytes), vector.name)
        }
    }

    func testValidVectorsDecodeToTheirRecords() throws {
        for vector in try Self.loadVectors().valid {
            let decoded: MergeRecord
            do {
                decoded = try MergeRecord(decoding: vector.bytes)
            } catch {
                XCTFail("\(vector.name): refused: \(error)")
                continue
            }
            XCTAssertEqual(decoded, vector.record, vector.name)
            // `String ==` treats canonically equivalent strings as equal; the format does not.
            XCTAssertEqual(Array(decoded.entity.utf8), Array(vector.record.entity.utf8), vector.name)
            XCTAssertEqual(Array(decoded.key.utf8), Array(vector.record.key.utf8), vector.name)
            XCTAssertEqual(Array(decoded.field.utf8), Array(vector.record.field.utf8), vector.name)
            XCTAssertEqual(decoded.value.text.map { Array($0.utf8) }, vector.record.value.text.map { Array($0.utf8) },
                           vector.name)
            XCTAssertEqual(Self.hex(decoded.encoded()), Self.hex(vector.bytes), "\(vector.name): re-encoding")
        }
    }

    /// Every proper prefix of a valid encoding ends early; any byte after one is left over.
    func testValidVectorsCutOrExtendedAreRefused() throws {
        for vector in try Self.loadVectors().valid {
            for length in 0..<vector.bytes.count {
                XCTAssertThrowsError(try MergeRecord(decoding: Array(vector.bytes.prefix(length)))) { error in
                    guard case .truncated = error as? DecodingError else {
                        return XCTFail("\(vector.name) cut to \(length) bytes: \(error), expected truncated")
                    }
                }
            }
            XCTAssertThrowsError(try MergeRecord(decoding: vector.bytes + [0])) { error in
                guard case .malformed = error as? DecodingError else {
                    return XCTFail("\(vector.name) with a byte appended: \(error), expected malformed")
                }
            }
        }
    }

    func testInvalidVectorsAreRefusedWithTheirCategory() throws {
        for vector in try Self.loadVectors().invalid {
            do {
                let record = try MergeRecord(decoding: vector.bytes)
                XCTFail("\(vector.reason): accepted as \(record)")
            } catch {
                switch (vector.error, error) {
                case (.truncated, .truncated), (.malformed, .malformed):
                    break
                case (.unsupportedVersion, .unsupportedVersion(let version)):
                    XCTAssertEqual(version, vector.bytes.first, vector.reason)
                default:
                    XCTFail("\(vector.reason): refused as \(error), expected \(vector.error)")
                }
            }
        }
    }

    // MARK: - Reading the vectors from the specification

    struct ValidVector {
        let name: String
        let record: MergeRecord
        let listedSeen: [Timestamp]
        let bytes: [UInt8]
    }

    struct InvalidVector {
        enum Category: String { case truncated, malformed, unsupportedVersion }
        let reason: String
        let bytes: [UInt8]
        let error: Category
    }

    struct Vectors {
        let source: String
        let valid: [ValidVector]
        let invalid: [InvalidVector]
    }

    struct SpecError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func loadVectors(filePath: String = #filePath) throws -> Vectors {
        let url = try locateSpecification(filePath: filePath)
        let text = try String(contentsOf: url, encoding: .utf8)
        var valid: [ValidVector] = []
        var invalid: [InvalidVector] = []
        for (tag, line, fields) in try fencedBlocks(in: text) {
            let place = "\(url.lastPathComponent) line \(line)"
            switch tag {
            case "vector": valid.append(try validVector(fields, at: place))
            case "invalid-vector": invalid.append(try invalidVector(fields, at: place))
            default: break
            }
        }
        return Vectors(source: url.path, valid: valid, invalid: invalid)
    }

    /// `protocol/records.md` two levels above this file. When the test file is reached through
    /// a symbolic link (a scratch package that links it in), the link is resolved first; as a
    /// last resort every directory above is searched. `AUDITSYNC_RECORDS_MD` overrides all.
    static func locateSpecification(filePath: String) throws -> URL {
        let manager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["AUDITSYNC_RECORDS_MD"], !override.isEmpty {
            guard manager.fileExists(atPath: override) else { throw SpecError("AUDITSYNC_RECORDS_MD=\(override) does not exist") }
            return URL(fileURLWithPath: override)
        }
        let file = URL(fileURLWithPath: filePath)
        var candidates: [URL] = []
        for start in [file.resolvingSymlinksInPath(), file] {
            candidates.append(start.deletingLastPathComponent().appendingPathComponent("../../protocol/records.md").standardized)
        }
        for start in [file.resolvingSymlinksInPath(), file] {
            var directory = start.deletingLastPathComponent()
            while directory.path != "/" && !directory.path.isEmpty {
                candidates.append(directory.appendingPathComponent("protocol/records.md"))
                directory = directory.deletingLastPathComponent()
            }
        }
        guard let found = candidates.first(where: { manager.fileExists(atPath: $0.path) }) else {
            throw SpecError("protocol/records.md not found from \(filePath); set AUDITSYNC_RECORDS_MD")
        }
        return found
    }

    /// The fenced code blocks of a markdown text: tag, line of the opening fence, and their
    /// `name: value` lines.
    static func fencedBlocks(in text: String) throws -> [(tag: String, line: Int, fields: [String: String])] {
        var blocks: [(String, Int, [String: String])] = []
        var current: (tag: String, line: Int, fields: [String: String])?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            if line.hasPrefix("```") {
                if let block = current {
                    blocks.append(block)
                    current = nil
                } else {
                    current = (String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), index + 1, [:])
                }
                continue
            }
            guard let block = current, block.tag == "vector" || block.tag == "invalid-vector" else { continue }
            guard let colon = line.firstIndex(of: ":") else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                throw SpecError("line \(index + 1): expected `name: value`, found \(line)")
            }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard current!.fields.updateValue(value, forKey: name) == nil else {
                throw SpecError("line \(index + 1): `\(name)` given twice in one vector")
            }
        }
        if let block = current { throw SpecError("the block opened at line \(block.line) is never closed") }
        return blocks
    }

    static func validVector(_ fields: [String: String], at place: String) throws -> ValidVector {
        let names: Set = ["name", "entity", "key", "field", "value", "timestamp", "seen", "hex"]
        guard Set(fields.keys) == names else {
            throw SpecError("\(place): a vector has exactly the lines \(names.sorted()); found \(fields.keys.sorted())")
        }
        let seenText = fields["seen"]!
        let seen = try seenText.isEmpty
            ? []
            : seenText.components(separatedBy: ",").map { try timestamp($0.trimmingCharacters(in: .whitespaces), at: place) }
        let record = MergeRecord(
            entity: try jsonString(fields["entity"]!, at: place),
            key: try jsonString(fields["key"]!, at: place),
            field: try jsonString(fields["field"]!, at: place),
            value: try value(fields["value"]!, at: place),
            timestamp: try timestamp(fields["timestamp"]!, at: place),
            seen: seen)
        return ValidVector(name: fields["name"]!, record: record, listedSeen: seen, bytes: try bytes(fields["hex"]!, at: place))
    }

    static func invalidVector(_ fields: [String: String], at place: String) throws -> InvalidVector {
        let names: Set = ["reason", "hex", "error"]
        guard Set(fields.keys) == names else {
            throw SpecError("\(place): an invalid vector has exactly the lines \(names.sorted()); found \(fields.keys.sorted())")
        }
        guard let category = InvalidVector.Category(rawValue: fields["error"]!) else {
            throw SpecError("\(place): unknown error category \(fields["error"]!)")
        }
        return InvalidVector(reason: fields["reason"]!, bytes: try bytes(fields["hex"]!, at: place), error: category)
    }

    static func value(_ text: String, at place: String) throws -> MergeValue {
        switch text {
        case "null": return .null
        case "bool true": return .bool(true)
        case "bool false": return .bool(false)
        default:
            if text.hasPrefix("int "), let number = Int64(text.dropFirst(4)) { return .int(number) }
            if text.hasPrefix("text ") { return .text(try jsonString(String(text.dropFirst(5)), at: place)) }
            throw SpecError("\(place): bad value \(text)")
        }
    }

    /// A JSON string literal, as RFC 8259 writes it.
    static func jsonString(_ literal: String, at place: String) throws -> String {
        guard literal.hasPrefix("\""), literal.hasSuffix("\""), literal.count >= 2 else {
            throw SpecError("\(place): expected a JSON string literal, found \(literal)")
        }
        do {
            return try JSONDecoder().decode(String.self, from: Data(literal.utf8))
        } catch {
            throw SpecError("\(place): bad JSON string literal \(literal): \(error)")
        }
    }

    /// `<ms>.<4 hex digits>@<16 hex digits>`, as `Timestamp.description` prints it.
    static func timestamp(_ text: String, at place: String) throws -> Timestamp {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        let clock = parts.first?.split(separator: ".", omittingEmptySubsequences: false) ?? []
        guard parts.count == 2, clock.count == 2, clock[1].count == 4,
              let milliseconds = UInt64(clock[0]), milliseconds < 1 << 47,
              let counter = UInt16(clock[1], radix: 16),
              let node = NodeID(hex: String(parts[1]))
        else { throw SpecError("\(place): bad timestamp \(text) (expected <ms below 2^47>.<cccc>@<16 hex digits>)") }
        let stamp = Timestamp(milliseconds: milliseconds, counter: counter, node: node)
        guard stamp.description == text else { throw SpecError("\(place): write the timestamp as \(stamp), not \(text)") }
        return stamp
    }

    static func bytes(_ hex: String, at place: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0, digits.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw SpecError("\(place): hex must be an even number of lowercase hex digits")
        }
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
