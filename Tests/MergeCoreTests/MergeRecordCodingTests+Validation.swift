import XCTest
@testable import MergeCore
import TestSupport

/// `validate()` accepts exactly the records the decoder accepts, on valid records, on each kind of
/// invalid one and on random records near the limits.
extension MergeRecordCodingTests {
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
