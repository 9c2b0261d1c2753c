import MergeCore

/// `seen` lists as the replica stores them: 16 bytes a timestamp (clock, node; big-endian),
/// ascending; NULL when empty.
enum SeenEncoding {
    static func encode(_ seen: [Timestamp]) -> [UInt8]? {
        guard !seen.isEmpty else { return nil }
        var writer = ByteWriter(capacity: seen.count * 16)
        for stamp in seen {
            writer.writeUInt64(UInt64(stamp.packedClock))
            writer.writeUInt64(stamp.node.rawValue)
        }
        return writer.bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> [Timestamp] {
        stride(from: 0, to: bytes.count - 15, by: 16).map { offset in
            Timestamp(packedClock: Int64(bitPattern: load(bytes, offset)),
                      node: NodeID(rawValue: load(bytes, offset + 8)))
        }
    }

    /// Whether the stored list contains `stamp`, without building an array.
    static func contains(_ bytes: UnsafeRawBufferPointer, _ stamp: Timestamp) -> Bool {
        let clock = UInt64(stamp.packedClock)
        var offset = 0
        while offset + 16 <= bytes.count {
            if load(bytes, offset) == clock && load(bytes, offset + 8) == stamp.node.rawValue { return true }
            offset += 16
        }
        return false
    }

    private static func load(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
