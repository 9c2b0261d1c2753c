/// Appends the primitive encodings the record format is built from.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer but keeps its storage, so a writer reused per record allocates once.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    public mutating func writeUInt64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// A timestamp in 16 bytes: the packed clock, then the node id, both big-endian. Records,
    /// their `seen` lists and the replica's own tables all lay timestamps out this way.
    public mutating func writeTimestamp(_ stamp: Timestamp) {
        writeUInt64(UInt64(stamp.packedClock))
        writeUInt64(stamp.node.rawValue)
    }

    /// Unsigned LEB128: seven bits a byte, low bits first, high bit set on all but the last.
    public mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// A varint length, then the UTF-8 bytes.
    public mutating func writeString(_ value: String) {
        var utf8 = value
        utf8.withUTF8 { buffer in
            writeVarint(UInt64(buffer.count))
            bytes.append(contentsOf: buffer)
        }
    }

    public mutating func writeBytes<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
    }
}
