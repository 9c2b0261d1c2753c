import XCTest
@testable import MergeCore
import TestSupport

/// `MergeRecord`'s binary encoding: hand-laid-out, random and at-the-limit records round-trip
/// exactly, and truncated input or trailing bytes are refused. Malformed encodings are refused in
/// `MergeRecordCodingTests+Refusals.swift`, random and mutated bytes are fed to the decoder in
/// `MergeRecordCodingTests+Fuzzing.swift`, and `validate()` is held to the decoder in
/// `MergeRecordCodingTests+Validation.swift`; the record generators and helpers they share are in
/// `MergeRecordCodingTestSupport.swift`.
final class MergeRecordCodingTests: XCTestCase {
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
}
