import Foundation
import XCTest

@testable import CanonicalJSON

final class CanonicalJSONTests: XCTestCase {
    func testObjectKeysAreSortedByTheirBytes() {
        let value: JSONValue = ["b": 1, "a": 2, "B": 3, "é": 4, "aa": 5]
        XCTAssertEqual(value.encoded(pretty: false), #"{"B":3,"a":2,"aa":5,"b":1,"é":4}"#)
    }

    func testEqualValuesPrintTheSameBytesWhateverTheirConstructionOrder() {
        var first: [String: JSONValue] = [:]
        var second: [String: JSONValue] = [:]
        let keys = (0..<50).map { "key\($0)" }
        for key in keys { first[key] = .string(key) }
        for key in keys.reversed() { second[key] = .string(key) }
        XCTAssertEqual(JSONValue.object(first).encoded(), JSONValue.object(second).encoded())
    }

    func testPrettyLayoutIsFixed() {
        let value: JSONValue = ["list": [1, "two", nil, true], "empty": [], "object": [:], "nested": ["x": 1.5]]
        XCTAssertEqual(value.encoded(pretty: true), """
            {
              "empty": [],
              "list": [
                1,
                "two",
                null,
                true
              ],
              "nested": {
                "x": 1.5
              },
              "object": {}
            }
            """)
    }

    func testStringsAreEscapedMinimallyAndParseBack() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{07} unicode é ✓ 🙂"
        let encoded = JSONValue.string(text).encoded(pretty: false)
        XCTAssertEqual(encoded, #""quote \" backslash \\ newline \n tab \t bell \u0007 unicode é ✓ 🙂""#)
        let parsed = try JSONSerialization.jsonObject(with: Data(encoded.utf8), options: [.fragmentsAllowed]) as? String
        XCTAssertEqual(parsed, text)
    }

    func testNumbersPrintInTheirShortestForm() {
        XCTAssertEqual(JSONValue.double(2).encoded(), "2")
        XCTAssertEqual(JSONValue.double(0.1).encoded(), "0.1")
        XCTAssertEqual(JSONValue.double(.nan).encoded(), "null")
        XCTAssertEqual(JSONValue.int(-42).encoded(), "-42")
    }

    func testDatesAreUTCAndIndependentOfTheMachine() {
        XCTAssertEqual(ISO8601.string(milliseconds: 0), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(ISO8601.string(milliseconds: 951_782_400_000), "2000-02-29T00:00:00.000Z")
        XCTAssertEqual(ISO8601.string(milliseconds: 1_795_928_847_123), "2026-11-29T05:07:27.123Z")
        XCTAssertEqual(ISO8601.date(milliseconds: 4_102_444_799_999), "2099-12-31")
        // Against Foundation, across a few centuries of random instants.
        var generator = SystemRandomNumberGenerator()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for _ in 0..<500 {
            let milliseconds = UInt64.random(in: 0..<7_000_000_000_000, using: &generator)
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            XCTAssertEqual(ISO8601.string(milliseconds: milliseconds), expected, "\(milliseconds)")
        }
    }
}
