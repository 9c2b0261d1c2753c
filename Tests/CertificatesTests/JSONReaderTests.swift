import CanonicalJSON
import TestSupport
import XCTest

@testable import Certificates

final class JSONReaderTests: XCTestCase {
    func testValuesRead() throws {
        XCTAssertEqual(try JSONReader.parse(#" {"a": [1, -2, 3.5, 1e2, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude42"], "b": {}} "#), [
            "a": [1, -2, 3.5, 100.0, true, false, nil, "x\"\\/\u{08}\u{0C}\n\r\té🙂"], "b": [:],
        ])
        XCTAssertEqual(try JSONReader.parse("9223372036854775807"), .int(Int.max))
        XCTAssertEqual(try JSONReader.parse("9223372036854775808"), .double(9_223_372_036_854_775_808))
        XCTAssertEqual(try JSONReader.parse("-0"), .int(0))
        XCTAssertEqual(try JSONReader.parse("\"é\""), "é")
    }

    func testCanonicalEncodingsReadBack() throws {
        var random = SplitMix64(seed: 0x1503)
        for round in 0..<300 {
            let value = randomValue(&random, depth: 0)
            for pretty in [true, false] {
                XCTAssertEqual(try JSONReader.parse(value.encoded(pretty: pretty)).encoded(), value.encoded(), "seed 0x1503, round \(round)")
            }
        }
    }

    func testAnythingElseIsRefused() {
        let cases = [
            "", " ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":1 \"b\":2}", "01", "1.", ".5", "-", "+1", "1e", "1e+",
            "0x10", "NaN", "Infinity", "1e999", "tru", "nulll", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
            "\"a\u{01}b\"", "\"\t\"", "{\"a\":1,\"a\":2}", "1 2", "[1]]", "\u{FEFF}1", "'a'",
            String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
        ]
        for text in cases {
            XCTAssertThrowsError(try JSONReader.parse(text), text.debugDescription)
        }
        XCTAssertThrowsError(try JSONReader.parse([0x22, 0xC3, 0x28, 0x22]))  // invalid UTF-8
        XCTAssertThrowsError(try JSONReader.parse([0x22, 0xED, 0xA0, 0x80, 0x22]))  // an encoded surrogate
        XCTAssertNoThrow(try JSONReader.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)))
        // Very deep input is refused, not a stack overflow.
        XCTAssertThrowsError(try JSONReader.parse(String(repeating: "[", count: 100_000)))
        XCTAssertThrowsError(try JSONReader.parse(String(repeating: "{\"a\":", count: 100_000)))
    }

    private func randomValue(_ random: inout SplitMix64, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth > 4 ? 5 : 7), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(Int.random(in: Int.min...Int.max, using: &random) >> Int.random(in: 0..<64, using: &random))
        case 3: return .double(Double.random(in: -1e6...1e6, using: &random))
        case 4: return .string(CertificateFixtures.randomText(&random))
        case 5: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) { members[CertificateFixtures.randomText(&random)] = randomValue(&random, depth: depth + 1) }
            return .object(members)
        }
    }
}
