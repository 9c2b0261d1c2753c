import Crypto
import HexEncoding
import TestSupport
@testable import WireProtocol
import XCTest

final class EnrollmentTokenTests: XCTestCase {
    private func token(_ random: inout SplitMix64, host: String = "audit.example.org", port: UInt16 = 7420) -> EnrollmentToken {
        EnrollmentToken(host: host, port: port,
                        centralKey: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) },
                        secret: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    func testBase64URLMatchesRFC4648Vectors() {
        // RFC 4648 §10, without padding.
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64URL.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base64URL.decode(encoded), Array(plain.utf8))
        }
        XCTAssertEqual(Base64URL.encode([0xFB, 0xFF]), "-_8")
        XCTAssertEqual(Base64URL.decode("-_8"), [0xFB, 0xFF])
    }

    func testBase64URLRefusesWhatNoEncodingProduces() {
        for text in ["Zm9v=", "Zm9v+", "Z", "Zm9vY", "Zh", "Zm9"] {
            XCTAssertNil(Base64URL.decode(text), "'\(text)': a bad character, an impossible length or stray low bits")
        }
        XCTAssertNotNil(Base64URL.decode("Zm8"))
    }

    func testRandomTokensRoundTripAndSurviveWhitespace() throws {
        var random = SplitMix64(seed: 0xE11)
        for round in 0..<200 {
            let host = round % 3 == 0 ? "[::1]" : "node-\(round).example.org"
            let original = token(&random, host: host, port: UInt16.random(in: 1...65535, using: &random))
            XCTAssertTrue(original.text.hasPrefix(EnrollmentToken.prefix))
            XCTAssertEqual(try EnrollmentToken(parsing: original.text), original)
            XCTAssertEqual(try EnrollmentToken(parsing: "  \n" + original.text + "\r\n"), original)
        }
    }

    func testEveryChangedCharacterIsRefusedAsDamaged() throws {
        var random = SplitMix64(seed: 0xDA)
        let text = Array(token(&random).text)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for index in EnrollmentToken.prefix.count..<text.count {
            var damaged = text
            damaged[index] = alphabet.first { $0 != text[index] }!
            XCTAssertThrowsError(try EnrollmentToken(parsing: String(damaged)), "position \(index)")
        }
        // Cut short, or with a character only a typo brings.
        for cut in [1, 5, 40] {
            XCTAssertThrowsError(try EnrollmentToken(parsing: String(text.dropLast(cut))))
        }
        XCTAssertThrowsError(try EnrollmentToken(parsing: String(text) + "!")) { error in
            XCTAssertEqual((error as? EnrollmentTokenError)?.description, "the token has characters a token never has; copy it again")
        }
    }

    func testSomethingElseIsNotATokenWithAReason() {
        for text in ["", "hello", "auditsync-enroll-2.AAAA", "https://example.org"] {
            XCTAssertThrowsError(try EnrollmentToken(parsing: text)) { error in
                XCTAssertTrue("\(error)".contains("not an AuditSync enrollment token"), "\(error)")
            }
        }
    }

    func testAWellCheckedTokenWithoutAnAddressIsRefused() throws {
        // A payload whose check is right but which names no host: only a bug could make it.
        var bytes = [UInt8](repeating: 1, count: 64) + [0x1C, 0x04, 0]
        bytes += Array(SHA256Check.of(bytes))
        XCTAssertThrowsError(try EnrollmentToken(parsing: EnrollmentToken.prefix + Base64URL.encode(bytes))) { error in
            XCTAssertEqual("\(error)", "the token names no central address")
        }
    }
}

/// The token's check, computed independently of the type under test.
private enum SHA256Check {
    static func of(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        Array(SHA256.hash(data: bytes)).prefix(4)
    }
}
