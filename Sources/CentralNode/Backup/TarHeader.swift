/// The 512-byte header of one POSIX ustar archive member: the format every `tar` reads, so a
/// backup is restored with standard tools (`tar xf backup.tar -C DIR`). Pure: bytes out.
enum TarHeader {
    enum Kind: UInt8 {
        case file = 0x30        // '0'
        case directory = 0x35   // '5'
    }

    /// ustar's octal size field has 11 digits.
    static let maxSize: Int64 = 0o77777777777

    struct Unrepresentable: Error, CustomStringConvertible {
        let description: String
    }

    /// The header for `name` (relative, `/`-separated; directories end without a slash).
    static func encode(name: String, kind: Kind, size: Int64, mode: Int, modified: Int64) throws -> [UInt8] {
        guard size >= 0, size <= maxSize else { throw Unrepresentable(description: "\(name) is too large for a tar archive") }
        var header = [UInt8](repeating: 0, count: 512)
        let path = Array((kind == .directory ? name + "/" : name).utf8)
        // Names over 100 bytes are cut at a slash into prefix (155) and name (100).
        if path.count <= 100 {
            header.replaceSubrange(0..<path.count, with: path)
        } else {
            guard let cut = path.indices.last(where: { path[$0] == UInt8(ascii: "/") && $0 <= 155 && path.count - $0 - 1 <= 100 }),
                  cut > 0 else {
                throw Unrepresentable(description: "the path \(name) is too long for a tar archive")
            }
            header.replaceSubrange(345..<345 + cut, with: path[..<cut])
            header.replaceSubrange(0..<(path.count - cut - 1), with: path[(cut + 1)...])
        }
        put(octal: Int64(mode), width: 8, at: 100, in: &header)
        put(octal: 0, width: 8, at: 108, in: &header)          // uid
        put(octal: 0, width: 8, at: 116, in: &header)          // gid
        put(octal: kind == .directory ? 0 : size, width: 12, at: 124, in: &header)
        put(octal: max(0, modified), width: 12, at: 136, in: &header)
        header[156] = kind.rawValue
        header.replaceSubrange(257..<263, with: Array("ustar\0".utf8))
        header.replaceSubrange(263..<265, with: Array("00".utf8))
        // The checksum is the sum of all header bytes with its own field counted as spaces.
        header.replaceSubrange(148..<156, with: [UInt8](repeating: 0x20, count: 8))
        let sum = header.reduce(0) { $0 + Int64($1) }
        put(octal: sum, width: 7, at: 148, in: &header)
        header[155] = 0x20
        return header
    }

    /// Zero bytes that pad a member's data to a whole number of 512-byte blocks.
    static func padding(after size: Int64) -> [UInt8] {
        [UInt8](repeating: 0, count: Int((512 - size % 512) % 512))
    }

    /// Two zero blocks end an archive.
    static let end = [UInt8](repeating: 0, count: 1024)

    /// `value` in octal, zero-padded to `width - 1` digits and a NUL.
    private static func put(octal value: Int64, width: Int, at offset: Int, in header: inout [UInt8]) {
        let digits = Array(String(value, radix: 8).utf8)
        let padded = [UInt8](repeating: UInt8(ascii: "0"), count: max(0, width - 1 - digits.count)) + digits
        header.replaceSubrange(offset..<offset + width - 1, with: padded.suffix(width - 1))
        header[offset + width - 1] = 0
    }
}
