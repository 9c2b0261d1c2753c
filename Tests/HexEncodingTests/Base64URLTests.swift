import HexEncoding
import TestSupport
import XCTest

final class Base64URLTests: XCTestCase {
    /// RFC 4648 §10's vectors, without their padding.
    func testRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64URL.encode(Array(plain.utf8)), encoded, plain)
            XCTAssertEqual(Base64URL.decode(encoded), Array(plain.utf8), encoded)
        }
    }

    func testTheURLSafeLettersReplacePlusAndSlash() {
        XCTAssertEqual(Base64URL.encode([0xFB, 0xFF]), "-_8")
        XCTAssertEqual(Base64URL.encode([0xFF, 0xFF, 0xFF]), "____")
        XCTAssertEqual(Base64URL.encode([0xF8, 0x00, 0x00]), "-AAA")
        XCTAssertEqual(Base64URL.decode("-_8"), [0xFB, 0xFF])
    }

    func testRandomBytesRoundTrip() {
        var random = SplitMix64(seed: 0xB64)
        for count in 0..<300 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            let text = Base64URL.encode(bytes)
            XCTAssertEqual(text.utf8.count, (count * 4 + 2) / 3)
            XCTAssertEqual(Base64URL.decode(text), bytes, "seed 0xB64, \(count) bytes")
        }
    }

    func testOnlyTheCanonicalTextDecodes() {
        // Padding, the standard alphabet's + and /, whitespace, impossible lengths, non-zero spare bits.
        for text in ["Zg==", "Zm8=", "+/8", "+_8", "-/8", " Zg", "Zg ", "Zm\n9v", "Z", "Zm9vY", "Zh", "Zm9", "Zm9vYh", "é0", "Zg\0"] {
            XCTAssertNil(Base64URL.decode(text), text)
        }
        // Each byte string has one text: every other choice of the last letter is refused.
        var random = SplitMix64(seed: 0xCA1)
        for count in 1..<40 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            let text = Array(Base64URL.encode(bytes).utf8)
            let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
            for letter in letters where letter != text.last! {
                let other = String(decoding: text.dropLast() + [letter], as: UTF8.self)
                if let decoded = Base64URL.decode(other) { XCTAssertNotEqual(decoded, bytes, other) }
            }
        }
    }

    func testRandomTextNeverTraps() {
        var random = SplitMix64(seed: 0xF22)
        let pool = Array("AZaz09-_+/= \n.é".unicodeScalars)
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<24, using: &random)
            var text = ""
            for _ in 0..<length { text.unicodeScalars.append(pool.randomElement(using: &random)!) }
            if let bytes = Base64URL.decode(text) { XCTAssertEqual(Base64URL.encode(bytes), text) }
        }
    }
}
