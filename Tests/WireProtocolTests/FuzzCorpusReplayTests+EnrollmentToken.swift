import Crypto
import Foundation
import TestSupport
import XCTest

@testable import WireProtocol

/// The `enrollment-token` corpus replayed (see `FuzzCorpusReplayTests` for the input formats).
extension FuzzCorpusReplayTests {
    /// `text` without the whitespace characters (whole characters) at either end.
    fileprivate func trimmed(_ text: String) -> Substring {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
              let last = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return text[first...last]
    }

    /// The token whose content is `content`: its check (SHA-256's first 4 bytes) appended, in
    /// base64url without padding (Foundation's base64 with the URL alphabet) behind the prefix.
    fileprivate func tokenText(_ content: [UInt8]) -> String {
        let base64 = Data(content + Array(SHA256.hash(data: content).prefix(4))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return EnrollmentToken.prefix + base64
    }

    /// A token's fields read from its content by the format (wire.md §8.4): 32 bytes central key,
    /// 32 bytes secret, u16 port, u8 length + UTF-8 host, nothing after; nil when the content breaks
    /// it or names no address (port 0, no host), which the reader refuses too.
    fileprivate struct TokenFields {
        var key: [UInt8]
        var secret: [UInt8]
        var port: UInt16
        var host: String

        init?(_ content: [UInt8]) {
            guard content.count >= 67, content.count == 67 + Int(content[66]) else { return nil }
            key = Array(content[0..<32])
            secret = Array(content[32..<64])
            port = UInt16(content[64]) << 8 | UInt16(content[65])
            guard let host = String(validating: content[67...], as: UTF8.self), !host.isEmpty, port != 0 else { return nil }
            self.host = host
        }
    }

    func testEveryEnrollmentTokenInputIsRefusedOrReadBackExactly() throws {
        let files = try FuzzCorpus.inputs("corpus/enrollment-token") + FuzzCorpus.inputs("crashers/enrollment-token")
        XCTAssertGreaterThan(files.count, 10, "the committed enrollment-token corpus is missing")
        var seen = (texts: 0, contents: 0, refused: 0)
        for file in files {
            let name = file.lastPathComponent
            let input = [UInt8](try Data(contentsOf: file))

            // As pasted text: a token accepted is the input itself, less whitespace at either end.
            let text = String(decoding: input, as: UTF8.self)
            if let token = try? EnrollmentToken(parsing: text) {
                XCTAssertEqual(Array(token.text.utf8), Array(trimmed(text).utf8), "\(name): a token read from another text")
                seen.texts += 1
            }

            // As a token's content with a valid check: accepted exactly when well-formed, and then
            // read back field for field and spelt the same.
            let built = tokenText(input)
            let expected = TokenFields(input)
            let token: EnrollmentToken
            do {
                token = try EnrollmentToken(parsing: built)
            } catch {
                XCTAssertNil(expected, "\(name): refused the well-formed token \(built): \(error)")
                seen.refused += 1
                continue
            }
            guard let expected else {
                XCTFail("\(name): accepted \(built), whose content breaks the format")
                continue
            }
            XCTAssertEqual(token.centralKey, expected.key, name)
            XCTAssertEqual(token.secret, expected.secret, name)
            XCTAssertEqual(token.port, expected.port, name)
            XCTAssertEqual(Array(token.host.utf8), Array(expected.host.utf8), name)
            XCTAssertEqual(Array(token.text.utf8), Array(built.utf8), "\(name): the token re-encodes differently")
            seen.contents += 1
        }
        XCTAssertGreaterThan(seen.texts, 0, "no corpus input is a valid token")
        XCTAssertGreaterThan(seen.contents, 0, "no corpus input is a valid token's content")
        XCTAssertGreaterThan(seen.refused, 0, "no corpus input is a malformed content behind a valid check")
    }
}
