import XCTest
@testable import MergeCore
import TestSupport


/// Random records within (or, when asked, just outside) the format's limits.
private struct RecordGenerator {
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
private struct RawRecord {
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

final class MergeRecordCodingTests: XCTestCase {
    private func decode(_ bytes: [UInt8]) -> Result<MergeRecord, DecodingError> {
        do { return .success(try MergeRecord(decoding: bytes)) } catch { return .failure(error) }
    }

    private func assertMalformed(_ bytes: [UInt8], mentioning words: String? = nil,
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
    private func difference(_ a: MergeRecord, _ b: MergeRecord) -> String? {
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

    // MARK: Round trips

    func testTheLayoutMatchesTheFormatDescription() throws {
        let record = MergeRecord(entity: "a", key: "k", field: "f", value: .int(-2),
                                 timestamp: Timestamp(milliseconds: 1, counter: 2, node: NodeID(rawValue: 3)),
                                 seen: [Timestamp(milliseconds: 1, counter: 1, node: NodeID(rawValue: 0xFF))])
        let expected: [UInt8] = [1,
                                 0, 0, 0, 0, 0, 1, 0, 2,
                                 0, 0, 0, 0, 0, 0, 0, 3,
                                 1, 0x61, 1, 0x6B, 1, 0x66,
                                 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
                                 1,
                                 0, 0, 0, 0, 0, 1, 0, 1,
                                 0, 0, 0, 0, 0, 0, 0, 0xFF]
        XCTAssertEqual(record.encoded(), expected)
        XCTAssertEqual(try MergeRecord(decoding: expected), record)
    }

    func testEveryValueKindEncodesWithItsTag() {
        func valueBytes(_ value: MergeValue) -> [UInt8] { value.encoded() }
        XCTAssertEqual(valueBytes(.null), [0])
        XCTAssertEqual(valueBytes(.bool(false)), [1])
        XCTAssertEqual(valueBytes(.bool(true)), [2])
        XCTAssertEqual(valueBytes(.int(Int64.min)), [3, 0x80, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(valueBytes(.int(Int64.max)), [3, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(valueBytes(.text("")), [4, 0])
        XCTAssertEqual(valueBytes(.text("é")), [4, 2, 0xC3, 0xA9])
    }

    func testRandomRecordsRoundTripExactlyAndReencodeToTheSameBytes() {
        for caseIndex in 0..<400 {
            let seed = 0xC0DE_0000 + UInt64(caseIndex)
            var generator = RecordGenerator(seed: seed)
            let record = generator.record()
            let bytes = record.encoded()
            do {
                let decoded = try MergeRecord(decoding: bytes)
                if let difference = difference(record, decoded) {
                    XCTFail("seed \(seed): decoded record differs: \(difference)")
                }
                if decoded.encoded() != bytes { XCTFail("seed \(seed): re-encoding gave different bytes") }
                var writer = ByteWriter()
                decoded.encode(into: &writer)
                if writer.bytes != bytes { XCTFail("seed \(seed): encode(into:) and encoded() disagree") }
            } catch {
                XCTFail("seed \(seed): decoding a valid encoding of \(record) failed: \(error)")
            }
        }
    }

    func testRecordsAtEveryLimitRoundTrip() throws {
        let node = NodeID(rawValue: 9)
        let own = Timestamp(milliseconds: RecordGenerator.maxPackableMilliseconds, counter: .max, node: NodeID(rawValue: .max))
        let seen = (0..<MergeRecord.Limits.seenCount).map { Timestamp(milliseconds: UInt64($0), counter: 0, node: node) }
        let record = MergeRecord(entity: String(repeating: "e", count: MergeRecord.Limits.entityBytes),
                                 key: String(repeating: "é", count: MergeRecord.Limits.keyBytes / 2),
                                 field: String(repeating: "f", count: MergeRecord.Limits.fieldBytes),
                                 value: .text(String(repeating: "t", count: MergeRecord.Limits.textBytes)),
                                 timestamp: own, seen: seen)
        XCTAssertNoThrow(try record.validate())
        let bytes = record.encoded()
        let decoded = try MergeRecord(decoding: bytes)
        XCTAssertNil(difference(record, decoded))
        XCTAssertEqual(decoded.encoded(), bytes)
    }

    func testMultipleRecordsDecodeInSequenceFromOneReader() throws {
        var generator = RecordGenerator.small(seed: 77)
        let records = (0..<20).map { _ in generator.record() }
        var writer = ByteWriter()
        for record in records { record.encode(into: &writer) }
        let all = writer.bytes
        var decoded: [MergeRecord] = []
        try all.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            while !reader.isAtEnd { decoded.append(try MergeRecord(from: &reader)) }
        }
        XCTAssertEqual(decoded.map { $0.encoded() }, records.map { $0.encoded() })
    }

    // MARK: Truncation and trailing bytes

    func testEveryStrictPrefixOfAValidEncodingIsTruncated() {
        for caseIndex in 0..<300 {
            let seed = 0x7E0C_0000 + UInt64(caseIndex)
            var generator = RecordGenerator.small(seed: seed)
            let bytes = generator.record().encoded()
            for length in 0..<bytes.count {
                switch decode(Array(bytes[..<length])) {
                case .failure(.truncated(let offset)):
                    if offset > length { XCTFail("seed \(seed): prefix of \(length) reported truncation at \(offset)") }
                case .failure(let other):
                    XCTFail("seed \(seed): prefix of \(length) of \(bytes.count) bytes gave \(other), not .truncated")
                case .success(let record):
                    XCTFail("seed \(seed): prefix of \(length) of \(bytes.count) bytes decoded as \(record)")
                }
            }
        }
    }

    func testPrefixesOfLargeRecordsAreTruncated() {
        for caseIndex in 0..<30 {
            let seed = 0x7E0D_0000 + UInt64(caseIndex)
            var generator = RecordGenerator(seed: seed)
            let bytes = generator.record().encoded()
            for _ in 0..<40 {
                let length = Int.random(in: 0..<bytes.count, using: &generator.random)
                guard case .failure(.truncated) = decode(Array(bytes[..<length])) else {
                    XCTFail("seed \(seed): prefix of \(length) of \(bytes.count) bytes was not reported truncated")
                    continue
                }
            }
        }
    }

    func testTrailingBytesAfterARecordAreRefused() {
        for caseIndex in 0..<300 {
            let seed = 0x7A11_0000 + UInt64(caseIndex)
            var generator = RecordGenerator.small(seed: seed)
            let bytes = generator.record().encoded()
            let extra = (0..<Int.random(in: 1...8, using: &generator.random)).map { _ in UInt8.random(in: 0...255, using: &generator.random) }
            guard case .failure(.malformed(let reason, let offset)) = decode(bytes + extra) else {
                XCTFail("seed \(seed): \(extra.count) trailing bytes were not refused as malformed")
                continue
            }
            if offset != bytes.count || !reason.contains("\(extra.count) bytes follow") {
                XCTFail("seed \(seed): trailing bytes reported as '\(reason)' at \(offset), record ends at \(bytes.count)")
            }
        }
    }

    func testEmptyInputIsTruncated() {
        XCTAssertEqual(decode([]).failure, .truncated(at: 0))
    }

    // MARK: Refusals

    func testAnUnknownVersionIsUnsupported() {
        for version: UInt8 in [0, 2, 0x7F, 0xFF] {
            var raw = RawRecord()
            raw.version = version
            XCTAssertEqual(decode(raw.bytes).failure, .unsupportedVersion(version))
        }
        XCTAssertTrue(DecodingError.unsupportedVersion(2).description.contains("version 2"))
    }

    func testTheHandBuiltRecordIsValid() throws {
        // The baseline every refusal below changes in one place.
        let record = try MergeRecord(decoding: RawRecord().bytes)
        XCTAssertEqual(record.value, .text("conform"))
        XCTAssertEqual(record.seen, [Timestamp(milliseconds: 4, counter: 0, node: NodeID(rawValue: 0x42))])
    }

    func testAnUnknownValueTagIsMalformed() {
        for tag: UInt8 in [5, 6, 0x80, 0xFF] {
            var raw = RawRecord()
            raw.value = [tag]
            assertMalformed(raw.bytes, mentioning: "tag \(tag)")
        }
    }

    func testEmptyEntityKeyOrFieldIsMalformed() {
        var raw = RawRecord()
        raw.entity = []
        assertMalformed(raw.bytes, mentioning: "entity is empty")
        raw = RawRecord()
        raw.key = []
        assertMalformed(raw.bytes, mentioning: "key is empty")
        raw = RawRecord()
        raw.field = []
        assertMalformed(raw.bytes, mentioning: "field is empty")
    }

    func testStringsOverTheirLimitsAreMalformed() throws {
        var raw = RawRecord()
        raw.key = Array(repeating: 0x6B, count: MergeRecord.Limits.keyBytes)
        XCTAssertNoThrow(try MergeRecord(decoding: raw.bytes), "a key of exactly the limit is valid")
        raw.key.append(0x6B)
        assertMalformed(raw.bytes, mentioning: "key is 1025 bytes")

        raw = RawRecord()
        raw.entity = Array(repeating: 0x65, count: MergeRecord.Limits.entityBytes + 1)
        assertMalformed(raw.bytes, mentioning: "entity")
        raw = RawRecord()
        raw.field = Array(repeating: 0x66, count: MergeRecord.Limits.fieldBytes + 1)
        assertMalformed(raw.bytes, mentioning: "field")

        // A text length over the limit is refused from the length alone, before any bytes are read.
        raw = RawRecord()
        raw.value = [4] + RawRecord.varint(UInt64(MergeRecord.Limits.textBytes + 1))
        raw.seen = []
        raw.seenCount = []
        assertMalformed(raw.bytes, mentioning: "text value")
    }

    func testInvalidUTF8IsMalformed() {
        let invalid: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x61, 0x80], [0xF5, 0x80, 0x80, 0x80]]
        for bytes in invalid {
            var raw = RawRecord()
            raw.entity = bytes
            assertMalformed(raw.bytes, mentioning: "entity is not valid UTF-8")
            raw = RawRecord()
            raw.key = bytes
            assertMalformed(raw.bytes, mentioning: "key is not valid UTF-8")
            raw = RawRecord()
            raw.field = bytes
            assertMalformed(raw.bytes, mentioning: "field is not valid UTF-8")
            raw = RawRecord()
            raw.value = [4] + RawRecord.string(bytes)
            assertMalformed(raw.bytes, mentioning: "text value is not valid UTF-8")
        }
    }

    func testANonShortestVarintIsMalformed() {
        var raw = RawRecord()
        raw.entityLength = [0x80 | UInt8(raw.entity.count), 0x00]
        assertMalformed(raw.bytes, mentioning: "shortest")
        raw = RawRecord()
        raw.seenCount = [0x81, 0x80, 0x00]
        assertMalformed(raw.bytes, mentioning: "shortest")
        raw = RawRecord()
        raw.seen = []
        raw.seenCount = [0x80, 0x00]
        assertMalformed(raw.bytes, mentioning: "shortest")
    }

    func testAVarintBeyondSixtyFourBitsIsMalformed() {
        var raw = RawRecord()
        raw.entityLength = Array(repeating: 0xFF, count: 9) + [0x02]
        assertMalformed(raw.bytes, mentioning: "overflows")
        raw.entityLength = Array(repeating: 0xFF, count: 10) + [0x01]
        assertMalformed(raw.bytes, mentioning: "overflows")
    }

    func testSeenTimestampsNotStrictlyAscendingAreMalformed() {
        var raw = RawRecord()
        raw.seen = [(3 << 16, 0x42), (2 << 16, 0x42)]
        assertMalformed(raw.bytes, mentioning: "ascending")
        raw.seen = [(2 << 16, 0x42), (2 << 16, 0x42)]
        assertMalformed(raw.bytes, mentioning: "ascending")
        raw.seen = [(2 << 16, 0x43), (2 << 16, 0x42)]
        assertMalformed(raw.bytes, mentioning: "ascending")
        raw.seen = [(2 << 16, 0x42), (2 << 16, 0x43)]
        XCTAssertNoThrow(try MergeRecord(decoding: raw.bytes))
    }

    func testSeenTimestampsNotEarlierThanTheRecordAreMalformed() {
        var raw = RawRecord()
        raw.seen = [(raw.clock, raw.node)]
        assertMalformed(raw.bytes, mentioning: "not earlier")
        raw.seen = [(raw.clock, raw.node + 1)]
        assertMalformed(raw.bytes, mentioning: "not earlier")
        raw.seen = [(1 << 16, 1), (raw.clock + 1, 0)]
        assertMalformed(raw.bytes, mentioning: "not earlier")
        raw.seen = [(raw.clock, raw.node - 1)]
        XCTAssertNoThrow(try MergeRecord(decoding: raw.bytes), "same clock, lower node is earlier")
    }

    func testMoreSeenTimestampsThanTheLimitAreMalformed() {
        var raw = RawRecord()
        raw.clock = 1_000 << 16
        raw.seen = (0..<UInt64(MergeRecord.Limits.seenCount)).map { ($0 << 16, 1) }
        XCTAssertNoThrow(try MergeRecord(decoding: raw.bytes))
        raw.seen.append((900 << 16, 1))
        assertMalformed(raw.bytes, mentioning: "limit")
    }

    func testAClockWithTheTopBitSetIsMalformed() {
        var raw = RawRecord()
        raw.clock = 1 << 63
        raw.seen = []
        assertMalformed(raw.bytes, mentioning: "clock")
        raw.clock = .max
        assertMalformed(raw.bytes, mentioning: "clock")
        raw = RawRecord()
        raw.seen = [(1 << 63 | 1, 0x42)]
        assertMalformed(raw.bytes)
        // The largest clock word there is decodes to the latest timestamp.
        raw = RawRecord()
        raw.clock = UInt64(Int64.max)
        XCTAssertEqual(try MergeRecord(decoding: raw.bytes).timestamp,
                       Timestamp(milliseconds: Timestamp.maxMilliseconds, counter: .max, node: NodeID(rawValue: raw.node)))
    }

    // MARK: Fuzzing

    func testRandomBytesNeverCrashTheDecoder() {
        let seed: UInt64 = 0xF022_0001
        var random = SplitMix64(seed: seed)
        for caseIndex in 0..<5_000 {
            var bytes = (0..<Int.random(in: 0...120, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            // Mostly a valid version byte and small lengths, so the decoder gets past the header.
            if !bytes.isEmpty && Int.random(in: 0..<4, using: &random) > 0 { bytes[0] = 1 }
            if bytes.count > 17 && Bool.random(using: &random) {
                bytes[1] &= 0x7F
                bytes[17] = UInt8.random(in: 0...8, using: &random)
            }
            if case .success(let record) = decode(bytes) {
                if record.encoded() != bytes { XCTFail("seed \(seed): case \(caseIndex): \(bytes) decoded but re-encodes differently") }
            }
        }
    }

    func testSingleByteMutationsOfValidEncodingsDecodeCanonicallyOrThrow() {
        var accepted = 0
        for caseIndex in 0..<3_000 {
            let seed = 0x3A7E_0000 + UInt64(caseIndex)
            var generator = RecordGenerator.small(seed: seed)
            var bytes = generator.record().encoded()
            let position = Int.random(in: 0..<bytes.count, using: &generator.random)
            let original = bytes[position]
            switch Int.random(in: 0..<3, using: &generator.random) {
            case 0: bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator.random)
            case 1: bytes[position] = UInt8.random(in: 0...255, using: &generator.random)
            default: bytes[position] = original &+ 1
            }
            if case .success(let record) = decode(bytes) {
                accepted += 1
                let again = record.encoded()
                if again != bytes {
                    XCTFail("seed \(seed): byte \(position) changed \(original) → \(bytes[position]); decoded, but re-encodes to other bytes")
                }
            }
        }
        // Mutations of text, node ids and counters decode; if none did, the test checked nothing.
        XCTAssertGreaterThan(accepted, 100)
    }

    // MARK: validate()

    func testValidRecordsValidate() {
        for caseIndex in 0..<300 {
            let seed = 0x7A1D_0000 + UInt64(caseIndex)
            var generator = RecordGenerator(seed: seed)
            let record = generator.record()
            do { try record.validate() } catch { XCTFail("seed \(seed): valid record refused: \(error)") }
        }
    }

    func testValidateRefusesWhatTheDecoderRefuses() {
        let stamp = Timestamp(milliseconds: 100, counter: 0, node: NodeID(rawValue: 5))
        func record(entity: String = "audit", key: String = "A-1", field: String = "status",
                    value: MergeValue = .null, seen: [Timestamp] = []) -> MergeRecord {
            MergeRecord(entity: entity, key: key, field: field, value: value, timestamp: stamp, seen: seen)
        }
        let refused: [(String, MergeRecord)] = [
            ("empty entity", record(entity: "")),
            ("empty key", record(key: "")),
            ("empty field", record(field: "")),
            ("entity over the limit", record(entity: String(repeating: "e", count: 65))),
            ("key over the limit", record(key: String(repeating: "é", count: 513))),
            ("field over the limit", record(field: String(repeating: "🙂", count: 17))),
            ("text over the limit", record(value: .text(String(repeating: "t", count: MergeRecord.Limits.textBytes + 1)))),
            ("seen equal to own", record(seen: [stamp])),
            ("seen later than own", record(seen: [Timestamp(milliseconds: 100, counter: 0, node: NodeID(rawValue: 6))])),
            ("seen partly later", record(seen: [Timestamp(milliseconds: 1, counter: 0, node: NodeID(rawValue: 6)),
                                                Timestamp(milliseconds: 101, counter: 0, node: NodeID(rawValue: 0))])),
            ("too many seen", record(seen: (0..<65).map { Timestamp(milliseconds: UInt64($0), counter: 0, node: NodeID(rawValue: 1)) })),
        ]
        for (what, record) in refused {
            XCTAssertThrowsError(try record.validate(), "validate() accepted a record with \(what)") { error in
                guard case .malformed = error as? DecodingError else { return XCTFail("\(what): \(error)") }
            }
            XCTAssertThrowsError(try MergeRecord(decoding: record.encoded()), "the decoder accepted a record with \(what)")
        }
    }

    func testValidateAndTheDecoderAgreeOnRandomRecordsNearTheLimits() {
        for caseIndex in 0..<300 {
            let seed = 0x7A1E_0000 + UInt64(caseIndex)
            var generator = RecordGenerator(seed: seed)
            // Strings from empty to a few bytes past each limit.
            let entity = generator.string(maxBytes: MergeRecord.Limits.entityBytes + 4, allowEmpty: true)
            let key = Int.random(in: 0..<3, using: &generator.random) == 0 ? ""
                : generator.string(maxBytes: MergeRecord.Limits.keyBytes + 4)
            let field = generator.string(maxBytes: MergeRecord.Limits.fieldBytes + 4, allowEmpty: true)
            let stamp = generator.timestamp()
            var seen: [Timestamp] = []
            for _ in 0..<Int.random(in: 0...3, using: &generator.random) {
                if Int.random(in: 0..<4, using: &generator.random) == 0 {
                    seen.append(Timestamp(milliseconds: stamp.milliseconds, counter: stamp.counter,
                                          node: NodeID(rawValue: stamp.node.rawValue | UInt64.random(in: 0...1, using: &generator.random))))
                } else if let earlier = generator.timestamp(before: stamp) {
                    seen.append(earlier)
                }
            }
            let record = MergeRecord(entity: entity, key: key, field: field, value: generator.value(), timestamp: stamp, seen: seen)
            let validates = (try? record.validate()) != nil
            let decodes = (try? MergeRecord(decoding: record.encoded())) != nil
            if validates != decodes {
                XCTFail("seed \(seed): validate() \(validates ? "accepts" : "refuses") but the decoder \(decodes ? "accepts" : "refuses") \(record)")
            }
        }
    }

    func testMergeValueDecodingRefusesTrailingBytes() throws {
        let bytes = MergeValue.int(7).encoded() + [0]
        try bytes.withUnsafeBytes { raw in
            XCTAssertThrowsError(try MergeValue(decoding: raw))
            XCTAssertEqual(try MergeValue(decoding: UnsafeRawBufferPointer(rebasing: raw[..<9])), .int(7))
        }
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
