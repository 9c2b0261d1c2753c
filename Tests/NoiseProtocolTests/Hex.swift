struct InvalidHex: Error, CustomStringConvertible {
    let text: String
    var description: String { "not a hex string: '\(text.prefix(40))'" }
}

extension Array where Element == UInt8 {
    /// Bytes from a hex string such as `4a6f686e`; throws on odd lengths or non-hex characters.
    init(hex: String) throws {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { throw InvalidHex(text: hex) }
        self = []
        reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else {
                throw InvalidHex(text: hex)
            }
            append(high << 4 | low)
        }
    }

    /// Lower-case hex, for readable assertion failures.
    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
