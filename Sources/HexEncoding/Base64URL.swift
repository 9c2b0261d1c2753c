/// Bytes as base64url text (RFC 4648 §5: `-` and `_` instead of `+` and `/`) without padding,
/// the encoding of every JOSE segment (JWS, JWK) and of W3C status lists, and back.
///
/// Decoding is strict, so that each byte string has exactly one text: only the 64 letters of the
/// alphabet (no padding, spaces or line breaks), never a length no encoding produces (4n + 1),
/// and the unused low bits of the last letter zero. Anything else decodes to nil.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Each ASCII byte's value in the alphabet, or 0xFF for a byte outside it.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, letter) in alphabet.enumerated() { table[Int(letter)] = UInt8(value) }
        return table
    }()

    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let bytes = Array(bytes)
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            text.append(alphabet[Int(group >> 18 & 63)])
            text.append(alphabet[Int(group >> 12 & 63)])
            text.append(alphabet[Int(group >> 6 & 63)])
            text.append(alphabet[Int(group & 63)])
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let group = UInt32(bytes[index]) << 16
            text.append(alphabet[Int(group >> 18 & 63)])
            text.append(alphabet[Int(group >> 12 & 63)])
        case 2:
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            text.append(alphabet[Int(group >> 18 & 63)])
            text.append(alphabet[Int(group >> 12 & 63)])
            text.append(alphabet[Int(group >> 6 & 63)])
        default:
            break
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of `text`, or nil when it is not the canonical unpadded base64url of any bytes.
    public static func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        let letters = Array(text.utf8)
        guard letters.count % 4 != 1 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(letters.count * 3 / 4)
        var index = 0
        while index < letters.count {
            let count = min(4, letters.count - index)
            var group: UInt32 = 0
            for offset in 0..<4 {
                var value: UInt8 = 0
                if offset < count {
                    value = values[Int(letters[index + offset])]
                    guard value != 0xFF else { return nil }
                }
                group = group << 6 | UInt32(value)
            }
            // A group of n letters carries n - 1 whole bytes; the bits below them must be zero.
            let byteCount = count - 1
            guard group & ((1 << (8 * (3 - byteCount))) - 1) == 0 else { return nil }
            for byte in 0..<byteCount { bytes.append(UInt8(truncatingIfNeeded: group >> (16 - 8 * byte))) }
            index += 4
        }
        return bytes
    }
}
