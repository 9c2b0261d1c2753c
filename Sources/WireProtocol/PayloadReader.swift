/// Reads a message payload field by field; every shortfall or leftover is a `FramingError` naming
/// the payload, so a decoder is a list of reads and one `finish()`.
struct PayloadReader {
    private let bytes: [UInt8]
    let what: String
    private var offset = 0

    init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    mutating func take(_ count: Int) throws(FramingError) -> ArraySlice<UInt8> {
        guard bytes.count - offset >= count else { throw .malformed("\(what): ends early") }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func byte() throws(FramingError) -> UInt8 {
        try take(1).first!
    }

    mutating func uint16() throws(FramingError) -> UInt16 {
        try take(2).reduce(UInt16(0)) { $0 << 8 | UInt16($1) }
    }

    mutating func uint32() throws(FramingError) -> UInt32 {
        try take(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    mutating func uint64() throws(FramingError) -> UInt64 {
        try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// A `u8` length, then that many bytes of UTF-8.
    mutating func shortText(_ field: String) throws(FramingError) -> String {
        let length = Int(try byte())
        guard let text = String(validating: try take(length), as: UTF8.self) else {
            throw .malformed("\(what): \(field) is not UTF-8")
        }
        return text
    }

    func finish() throws(FramingError) {
        guard offset == bytes.count else { throw .malformed("\(what): \(bytes.count - offset) bytes follow it") }
    }
}

extension Array where Element == UInt8 {
    /// Appends a `u8` length and at most 255 bytes of `text`, cut at a character boundary.
    mutating func appendShortText(_ text: String) {
        let bytes = UTF8Truncation.prefix(text, maxBytes: 255)
        append(UInt8(bytes.count))
        append(contentsOf: bytes)
    }

    mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendUInt32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func appendUInt64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}
