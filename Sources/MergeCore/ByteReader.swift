/// Reads the primitive encodings of the record format, refusing anything truncated,
/// overlong or out of bounds. Every failure is a `DecodingError`, never a trap.
public struct ByteReader: ~Copyable {
    private let bytes: UnsafeRawBufferPointer
    public private(set) var offset: Int

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        offset = 0
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func readUInt8() throws(DecodingError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated(at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readUInt64() throws(DecodingError) -> UInt64 {
        guard remaining >= 8 else { throw .truncated(at: offset) }
        var value: UInt64 = 0
        for index in offset..<offset + 8 { value = value << 8 | UInt64(bytes[index]) }
        offset += 8
        return value
    }

    /// Unsigned LEB128 in its shortest form; at most ten bytes.
    public mutating func readVarint() throws(DecodingError) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readUInt8()
            if shift == 63 && byte > 1 { throw .malformed("varint overflows 64 bits", at: start) }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && shift > 0 { throw .malformed("varint is not in its shortest form", at: start) }
                return value
            }
            shift += 7
        }
    }

    public mutating func readBytes(count: Int) throws(DecodingError) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw .truncated(at: offset) }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    /// A varint length of at most `maxBytes`, then that many bytes of valid UTF-8.
    public mutating func readString(maxBytes: Int, what: String) throws(DecodingError) -> String {
        let start = offset
        let length = try readVarint()
        guard length <= UInt64(maxBytes) else {
            throw .malformed("\(what) is \(length) bytes, more than the limit of \(maxBytes)", at: start)
        }
        let raw = try readBytes(count: Int(length))
        guard let string = String(validating: raw.bindMemory(to: UInt8.self), as: UTF8.self) else {
            throw .malformed("\(what) is not valid UTF-8", at: start)
        }
        return string
    }
}

/// Why a byte sequence is not a valid encoding.
public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(at: Int)
    case malformed(String, at: Int)
    case unsupportedVersion(UInt8)

    public var description: String {
        switch self {
        case .truncated(let offset): "the data ends early (at byte \(offset))"
        case .malformed(let reason, let offset): "\(reason) (at byte \(offset))"
        case .unsupportedVersion(let version): "record format version \(version) is not supported by this build"
        }
    }
}
