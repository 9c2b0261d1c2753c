import XCTest

@testable import MergeCore

/// Text that differs only in Unicode normalisation is different data on every replica (SQLite and
/// the encoding compare bytes), so the merge types must not call it equal.
final class ByteExactEqualityTests: XCTestCase {
    private let composed = "caf\u{E9}"          // é as one scalar
    private let decomposed = "cafe\u{301}"      // e + combining acute

    func testSwiftStringsCallThemEqualButTheirBytesDiffer() {
        XCTAssertEqual(composed, decomposed, "the premise: Swift's String == is canonical equivalence")
        XCTAssertNotEqual(Array(composed.utf8), Array(decomposed.utf8))
    }

    func testFieldsNamedByCanonicallyEquivalentKeysAreDistinct() {
        let a = FieldID(entity: "note", key: "A-1/\(composed)", field: "text")
        let b = FieldID(entity: "note", key: "A-1/\(decomposed)", field: "text")
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(Set([a, b]).count, 2)
        XCTAssertTrue((a < b) != (b < a), "byte order separates them")
        XCTAssertEqual(a < b, Array(a.key.utf8).lexicographicallyPrecedes(Array(b.key.utf8)))
    }

    func testValuesAndRecordsCompareByBytes() {
        let stamp = Timestamp(milliseconds: 1, counter: 0, node: NodeID(rawValue: 1))
        XCTAssertNotEqual(MergeValue.text(composed), MergeValue.text(decomposed))
        let first = MergeRecord(entity: "note", key: "A-1/N-1", field: "text", value: .text(composed), timestamp: stamp)
        let second = MergeRecord(entity: "note", key: "A-1/N-1", field: "text", value: .text(decomposed), timestamp: stamp)
        XCTAssertNotEqual(first, second)
        XCTAssertNotEqual(first.encoded(), second.encoded())
        XCTAssertEqual(first, try MergeRecord(decoding: first.encoded()))
        XCTAssertEqual(Set([first, second, first]).count, 2)
    }
}
