import CanonicalJSON

/// A strict JSON reader (RFC 8259) for what arrives from outside: JWS headers and payloads and JWK
/// Sets. It refuses rather than guesses: invalid UTF-8, duplicate member names (RFC 7515 §5.2 lets
/// a JWS reader refuse them, and an attacker could otherwise show one reader a different value
/// than another), lone surrogates, control characters in strings, trailing text, and nesting
/// deeper than `maximumDepth` — recursion is bounded so no input can exhaust the stack.
public enum JSONReader {
    static let maximumDepth = 64

    public static func parse(_ text: String) throws(JSONReadError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONReadError) -> JSONValue {
        // Decoding replaces every invalid sequence with U+FFFD, so the bytes come back unchanged
        // exactly when they were valid UTF-8.
        guard Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes else {
            throw JSONReadError("the text is not valid UTF-8")
        }
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.position == bytes.count else { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func error(_ what: String) -> JSONReadError {
            JSONReadError("\(what) at byte \(position)")
        }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func value(depth: Int) throws(JSONReadError) -> JSONValue {
            guard position < bytes.count else { throw error("the JSON ends early") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw error("unexpected character")
            }
        }

        mutating func literal(_ word: String) throws(JSONReadError) {
            let expected = Array(word.utf8)
            guard bytes.count - position >= expected.count, Array(bytes[position..<position + expected.count]) == expected else {
                throw error("unexpected character")
            }
            position += expected.count
        }

        mutating func object(depth: Int) throws(JSONReadError) -> JSONValue {
            guard depth <= JSONReader.maximumDepth else { throw error("the JSON nests deeper than \(JSONReader.maximumDepth) levels") }
            position += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let name = try string()
                guard members[name] == nil else { throw error("the member name \"\(name)\" appears twice") }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                skipWhitespace()
                members[name] = try value(depth: depth)
                skipWhitespace()
                guard position < bytes.count else { throw error("the JSON ends early") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                guard bytes[position] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
                position += 1
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws(JSONReadError) -> JSONValue {
            guard depth <= JSONReader.maximumDepth else { throw error("the JSON nests deeper than \(JSONReader.maximumDepth) levels") }
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth))
                skipWhitespace()
                guard position < bytes.count else { throw error("the JSON ends early") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                guard bytes[position] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
                position += 1
                return .array(elements)
            }
        }

        mutating func string() throws(JSONReadError) -> String {
            position += 1
            var scalars = String.UnicodeScalarView()
            var runStart = position
            func flush(_ end: Int) {
                if end > runStart { scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
            }
            while position < bytes.count {
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "\""):
                    flush(position)
                    position += 1
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush(position)
                    position += 1
                    scalars.append(try escape())
                    runStart = position
                case 0x00..<0x20:
                    throw error("a control character inside a string")
                default:
                    position += 1
                }
            }
            throw error("a string is not closed")
        }

        mutating func escape() throws(JSONReadError) -> Unicode.Scalar {
            guard position < bytes.count else { throw error("the JSON ends early") }
            let letter = bytes[position]
            position += 1
            switch letter {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let first = try hexQuad()
                if (0xD800..<0xDC00).contains(first) {
                    guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                        throw error("a lone surrogate in a \\u escape")
                    }
                    position += 2
                    let second = try hexQuad()
                    guard (0xDC00..<0xE000).contains(second) else { throw error("a lone surrogate in a \\u escape") }
                    return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
                }
                guard let scalar = Unicode.Scalar(first) else { throw error("a lone surrogate in a \\u escape") }
                return scalar
            default:
                throw error("an unknown escape in a string")
            }
        }

        mutating func hexQuad() throws(JSONReadError) -> UInt32 {
            guard bytes.count - position >= 4 else { throw error("a \\u escape is cut short") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let digit = bytes[position]
                let nibble: UInt32
                switch digit {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt32(digit - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = UInt32(digit - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = UInt32(digit - UInt8(ascii: "A") + 10)
                default: throw error("a \\u escape needs four hex digits")
                }
                value = value << 4 | nibble
                position += 1
            }
            return value
        }

        /// An integer that fits `Int` is `.int`; anything with a fraction or exponent, or too large,
        /// is `.double`.
        mutating func number() throws(JSONReadError) -> JSONValue {
            let start = position
            var isInteger = true
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("a number needs digits") }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
                if position < bytes.count, isDigit(bytes[position]) { throw error("a number with a leading zero") }
            } else {
                skipDigits()
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                isInteger = false
                position += 1
                guard position < bytes.count, isDigit(bytes[position]) else { throw error("a number needs digits after '.'") }
                skipDigits()
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                isInteger = false
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard position < bytes.count, isDigit(bytes[position]) else { throw error("a number needs digits in its exponent") }
                skipDigits()
            }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if isInteger, let value = Int(text) { return .int(value) }
            guard let value = Double(text), value.isFinite else { throw error("a number out of range") }
            return .double(value)
        }

        private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        private mutating func skipDigits() {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
    }
}

/// Why a text is not JSON this module accepts, with the byte where reading stopped.
public struct JSONReadError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
