import XCTest
@testable import MergeCore
import TestSupport

// What the MergeRecord coding tests share: random records, encodings built by hand so that
// malformed ones can be made, and the helpers that decode them and compare the results.

/// Random records within (or, when asked, just outside) the format's limits.
struct RecordGenerator {
    /// The largest physical time the format carries: the clock word stays below 2^63.
    static let maxPackableMilliseconds: UInt64 = Timestamp.maxMilliseconds

    /// One- to four-byte characters, a combining mark and a control character.
    static let alphabet: [String] = ["a", "Z", "0", "/", ":", ".", " ", "-", "é", "ß", "Ж", "日", "本", "€", "🙂", "👩‍⚖️",
                                     "e\u{301}", "\u{0}", "\n", "\u{FFFD}"]

    var random: SplitMix64
    /// Upper bounds on generated sizes, below the format's limits for fast cases.
    var maxEntityBytes = MergeRecord.Limits.entityBytes
    var maxKeyBytes = MergeRecord.Limits.keyBytes
    var maxFieldBytes = MergeRecord.Limits.fieldBytes
    var maxTextBytes = 2_000

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func string(maxBytes: Int, allowEmpty: Bool = false) -> String {
        let target = Int.random(in: (allowEmpty ? 0 : 1)...maxBytes, using: &random)
        var result = ""
        var bytes = 0
        var attempts = 0
        while bytes < target && attempts < target * 4 {
            attempts += 1
            let piece = RecordGenerator.alphabet.randomElement(using: &random)!
            if bytes + piece.utf8.count > maxBytes { continue }
            result += piece
            bytes += piece.utf8.count
        }
        if result.isEmpty && !allowEmpty { result = "x" }
        return result
    }

    mutating func value() -> MergeValue {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .int([Int64.min, Int64.max, 0, -1, 1, 127, 128, -128].randomElement(using: &random)!)
        case 4: return .int(Int64(bitPattern: random.next()))
        case 5: return .text("")
        case 6: return .text(string(maxBytes: 3))
        default: return .text(string(maxBytes: maxTextBytes, allowEmpty: true))
        }
    }

    mutating func node() -> NodeID {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: NodeID(rawValue: 0)
        case 1: NodeID(rawValue: .max)
        default: NodeID(rawValue: random.next())
        }
    }

    mutating func timestamp() -> Timestamp {
        let milliseconds: UInt64 = switch Int.random(in: 0..<6, using: &random) {
        case 0: 0
        case 1: RecordGenerator.maxPackableMilliseconds
        case 2: UInt64.random(in: 0...3, using: &random)
        default: UInt64.random(in: 0...RecordGenerator.maxPackableMilliseconds, using: &random)
        }
        let counter: UInt16 = switch Int.random(in: 0..<4, using: &random) {
        case 0: 0
        case 1: .max
        default: UInt16.random(in: 0...UInt16.max, using: &random)
        }
        return Timestamp(milliseconds: milliseconds, counter: counter, node: node())
    }

    /// A timestamp strictly earlier than `bound`, or nil when there is none.
    mutating func timestamp(before bound: Timestamp) -> Timestamp? {
        if bound.milliseconds == 0 && bound.counter == 0 && bound.node.rawValue == 0 { return nil }
        for _ in 0..<16 {
            let milliseconds = Bool.random(using: &random) ? bound.milliseconds
                : UInt64.random(in: 0...bound.milliseconds, using: &random)
            let counter = milliseconds == bound.milliseconds && Bool.random(using: &random) ? bound.counter
                : UInt16.random(in: 0...UInt16.max, using: &random)
            let candidate = Timestamp(milliseconds: milliseconds, counter: counter, node: NodeID(rawValue: random.next()))
            if candidate < bound { return candidate }
        }
        if bound.node.rawValue > 0 {
            return Timestamp(milliseconds: bound.milliseconds, counter: bound.counter, node: NodeID(rawValue: bound.node.rawValue - 1))
        }
        return nil
    }

    mutating func record() -> MergeRecord {
        let stamp = timestamp()
        var seen: [Timestamp] = []
        for _ in 0..<Int.random(in: 0...5, using: &random) {
            if let earlier = timestamp(before: stamp) { seen.append(earlier) }
        }
        return MergeRecord(entity: string(maxBytes: maxEntityBytes), key: string(maxBytes: maxKeyBytes),
                           field: string(maxBytes: maxFieldBytes), value: value(), timestamp: stamp, seen: seen)
    }

    static func small(seed: UInt64) -> RecordGenerator {
        var generator = RecordGenerator(seed: seed)
        generator.maxEntityBytes = 12
        generator.maxKeyBytes = 24
        generator.maxFieldBytes = 12
        generator.maxTextBytes = 24
        return generator
    }
}

/// Builds encodings by hand, independently of the module's writer, so that malformed ones can be made.
struct RawRecord {
    var version: UInt8 = 1
    var clock: UInt64 = 5 << 16 | 3
    var node: UInt64 = 0x42
    var entity: [UInt8] = Array("audit".utf8)
    var key: [UInt8] = Array("A-1/iso42001:2023/6.1".utf8)
    var field: [UInt8] = Array("result".utf8)
    var value: [UInt8] = [4, 7] + Array("conform".utf8)
    /// Each as (clock, node).
    var seen: [(UInt64, UInt64)] = [(4 << 16, 0x42)]
    /// Overrides the encoded seen count when set.
    var seenCount: [UInt8]?
    /// Overrides the encoded entity length when set.
    var entityLength: [UInt8]?

    static func varint(_ value: UInt64) -> [UInt8] {
        var rest = value
        var bytes: [UInt8] = []
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
        return bytes
    }

    static func u64(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }

    static func string(_ bytes: [UInt8]) -> [UInt8] { varint(UInt64(bytes.count)) + bytes }

    var bytes: [UInt8] {
        var out: [UInt8] = [version]
        out += RawRecord.u64(clock) + RawRecord.u64(node)
        out += (entityLength ?? RawRecord.varint(UInt64(entity.count))) + entity
        out += RawRecord.string(key) + RawRecord.string(field)
        out += value
        out += seenCount ?? RawRecord.varint(UInt64(seen.count))
        for (clock, node) in seen { out += RawRecord.u64(clock) + RawRecord.u64(node) }
        return out
    }
}

extension MergeRecordCodingTests {
    func decode(_ bytes: [UInt8]) -> Result<MergeRecord, DecodingError> {
        do { return .success(try MergeRecord(decoding: bytes)) } catch { return .failure(error) }
    }

    func assertMalformed(_ bytes: [UInt8], mentioning words: String? = nil,
                         file: StaticString = #filePath, line: UInt = #line) {
        switch decode(bytes) {
        case .success(let record):
            XCTFail("decoded \(record) from a malformed encoding", file: file, line: line)
        case .failure(.malformed(let reason, _)):
            if let words { XCTAssertTrue(reason.contains(words), "reason '\(reason)' should mention '\(words)'", file: file, line: line) }
        case .failure(let other):
            XCTFail("expected .malformed, got \(other)", file: file, line: line)
        }
    }

    /// Field-by-field, comparing strings as bytes: Swift's `==` on String ignores normalisation.
    func difference(_ a: MergeRecord, _ b: MergeRecord) -> String? {
        if Array(a.entity.utf8) != Array(b.entity.utf8) { return "entity \(a.entity.debugDescription) vs \(b.entity.debugDescription)" }
        if Array(a.key.utf8) != Array(b.key.utf8) { return "key \(a.key.debugDescription) vs \(b.key.debugDescription)" }
        if Array(a.field.utf8) != Array(b.field.utf8) { return "field \(a.field.debugDescription) vs \(b.field.debugDescription)" }
        switch (a.value, b.value) {
        case (.text(let x), .text(let y)) where Array(x.utf8) != Array(y.utf8): return "text \(x.debugDescription) vs \(y.debugDescription)"
        case (.text, .text): break
        default: if a.value != b.value { return "value \(a.value) vs \(b.value)" }
        }
        if a.timestamp != b.timestamp { return "timestamp \(a.timestamp) vs \(b.timestamp)" }
        if a.seen != b.seen { return "seen \(a.seen) vs \(b.seen)" }
        return nil
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
