// libFuzzer target `enrollment-token`: EnrollmentToken(parsing:), the text an auditor pastes into
// `field init --token`. Built by `fuzz/run enrollment-token` through the small package
// fuzz/Package.swift, against the WireProtocol sources themselves.
//
// Input: any bytes, used twice.
//   1. As text (UTF-8, ill-formed sequences replaced) given to the parser. A token it accepts must
//      re-encode (`.text`) to exactly that text less the whitespace at either end (whole
//      characters, as the parser trims): base64url without padding has one encoding per byte
//      string and the decoder refuses the others, so no second spelling of a token may pass.
//   2. As the token's content: the check (the first 4 bytes of SHA-256) is computed here over the
//      bytes and appended, and both go base64url-encoded behind the prefix, so that the parser
//      gets past the check to the fields, which random text almost never does. It must accept
//      exactly the contents that follow the format (32 bytes central key · 32 bytes secret · u16
//      port · u8 length + UTF-8 host, nothing after it) and name an address (a port other than 0,
//      a host not empty); what it accepts must hold those very fields and re-encode to that text.
// A trap, or any of these properties failing, is a finding (fatalError).

import Crypto
import WireProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnrollmentToken(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    checkText(String(decoding: input, as: UTF8.self))
    checkContent(input)
    return 0
}

/// Any accepted text is the token's own text, give or take whitespace at either end.
func checkText(_ text: String) {
    guard let token = try? EnrollmentToken(parsing: text) else { return }
    guard token.text.utf8.elementsEqual(trimmed(text).utf8) else {
        fatalError("accepted a token whose text differs from its input: \(Array(text.utf8)) re-encodes as \(token.text)")
    }
}

/// A token with a valid check over `content` is accepted exactly when the content is well formed.
func checkContent(_ content: [UInt8]) {
    let check = Array(SHA256.hash(data: content).prefix(4))
    let text = EnrollmentToken.prefix + base64URL(content + check)
    let expected = Fields(content)
    let token: EnrollmentToken
    do {
        token = try EnrollmentToken(parsing: text)
    } catch {
        guard expected == nil else { fatalError("refused a well-formed token \(text) (\(String(describing: expected))): \(error)") }
        return
    }
    guard let expected else { fatalError("accepted a token whose content breaks the format: \(content)") }
    guard token.centralKey == expected.key, token.secret == expected.secret, token.port == expected.port,
          token.host == expected.host else {
        fatalError("token \(text) read as \(token), not \(expected)")
    }
    guard token.text.utf8.elementsEqual(text.utf8) else { fatalError("token \(text) re-encodes as \(token.text)") }
}

/// The fields of a token's content, read here by the format's own rules; nil when it breaks them.
struct Fields: Equatable, CustomStringConvertible {
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

    var description: String { "port \(port), host \(Array(host.utf8))" }
}

/// `text` without the whitespace characters at either end.
func trimmed(_ text: String) -> Substring {
    guard let first = text.firstIndex(where: { !$0.isWhitespace }),
          let last = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
    return text[first...last]
}

/// RFC 4648 §5 base64url without padding, written again here rather than taken from WireProtocol.
func base64URL(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    var output: [UInt8] = []
    var bits = 0
    var count = 0
    for byte in bytes {
        bits = bits << 8 | Int(byte)
        count += 8
        while count >= 6 {
            count -= 6
            output.append(alphabet[(bits >> count) & 63])
        }
        bits &= (1 << count) - 1
    }
    if count > 0 { output.append(alphabet[(bits << (6 - count)) & 63]) }
    return String(decoding: output, as: UTF8.self)
}
