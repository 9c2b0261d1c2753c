/// Reads the fields of a handshake message front to back, throwing instead of trapping when the
/// message ends early.
struct MessageReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func read(_ count: Int) throws -> [UInt8] {
        guard count <= bytes.count - offset else {
            throw NoiseError.messageTooShort(length: bytes.count, minimum: offset + count)
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func readRemaining() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }
}
