import XCTest
@testable import MergeCore
import TestSupport

/// Malformed encodings, built by hand one change away from a valid record, are refused with a
/// reason that names what is wrong: unknown versions and tags, empty or over-long strings,
/// invalid UTF-8, non-shortest or overflowing varints, and bad `seen` lists or clocks.
extension MergeRecordCodingTests {
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
}
