import HexEncoding
import TestSupport
import XCTest

final class HexTests: XCTestCase {
    func testKnownValues() {
        XCTAssertEqual(Hex.encode([UInt8]()), "")
        XCTAssertEqual(Hex.encode([0x00, 0x0f, 0xa0, 0xff]), "000fa0ff")
        XCTAssertEqual(Hex.encode(UInt64(0x12_3456_789A_BCDE)), "00123456789abcde")
        XCTAssertEqual(Hex.encode(UInt64.max), "ffffffffffffffff")
        XCTAssertEqual(Hex.decode("000FA0ff"), [0x00, 0x0f, 0xa0, 0xff])
    }

    func testRandomBytesRoundTrip() {
        var random = SplitMix64(seed: 0x4E8)
        for count in 0..<200 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            let text = Hex.encode(bytes)
            XCTAssertEqual(text.count, 2 * count)
            XCTAssertEqual(text, text.lowercased())
            XCTAssertEqual(Hex.decode(text), bytes)
            XCTAssertEqual(Hex.decode(text.uppercased()), bytes)
        }
    }

    func testAnythingButPairsOfDigitsIsRefused() {
        for text in ["0", "abc", "0g", "+f", "-1", " 00", "00 ", "0x00", "é0"] {
            XCTAssertNil(Hex.decode(text), text)
        }
    }
}
