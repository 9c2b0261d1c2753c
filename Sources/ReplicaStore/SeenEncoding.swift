import MergeCore

/// `seen` lists as the replica stores them: 16 bytes a timestamp (`ByteWriter.writeTimestamp`),
/// ascending; NULL when empty.
enum SeenEncoding {
    static func encode(_ seen: [Timestamp]) -> [UInt8]? {
        guard !seen.isEmpty else { return nil }
        var writer = ByteWriter(capacity: seen.count * 16)
        for stamp in seen { writer.writeTimestamp(stamp) }
        return writer.bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> [Timestamp] {
        stride(from: 0, to: bytes.count - 15, by: 16).map { timestamp(bytes, at: $0) }
    }

    /// The 16-byte timestamp at `offset` of bytes this replica wrote itself.
    static func timestamp(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Timestamp {
        Timestamp(packedClock: Int64(bitPattern: load(bytes, offset)), node: NodeID(rawValue: load(bytes, offset + 8)))
    }

    static func load(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
