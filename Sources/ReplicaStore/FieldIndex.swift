import MergeCore

/// Every record a field has received, as the field's state row keeps them: timestamp, position in
/// the log, and what the record had seen. One row read answers all that merging a new record
/// asks — is it a duplicate, does anyone supersede it, what wins, what conflicts — without an
/// index over the whole log.
///
/// Layout, entries ascending by timestamp: u64 clock, u64 node, u64 log sequence, u8 count of
/// seen timestamps, then each seen timestamp as u64 clock + u64 node (all big-endian).
struct FieldIndex {
    struct Entry: Equatable {
        let timestamp: Timestamp
        let sequence: Int64
        let seen: [Timestamp]
    }

    private(set) var entries: [Entry]

    init(entries: [Entry] = []) { self.entries = entries }

    init(decoding bytes: UnsafeRawBufferPointer) {
        var entries: [Entry] = []
        var offset = 0
        while offset + 25 <= bytes.count {
            let timestamp = SeenEncoding.timestamp(bytes, at: offset)
            let sequence = Int64(bitPattern: SeenEncoding.load(bytes, offset + 16))
            let count = Int(bytes[offset + 24])
            offset += 25
            var seen: [Timestamp] = []
            seen.reserveCapacity(count)
            for _ in 0..<count where offset + 16 <= bytes.count {
                seen.append(SeenEncoding.timestamp(bytes, at: offset))
                offset += 16
            }
            entries.append(Entry(timestamp: timestamp, sequence: sequence, seen: seen))
        }
        self.entries = entries
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: entries.count * 41)
        for entry in entries { FieldIndex.append(entry, to: &writer) }
        return writer.bytes
    }

    /// The encoding of an index of one entry, without building the index.
    static func encode(single entry: Entry, into writer: inout ByteWriter) {
        writer.removeAll()
        append(entry, to: &writer)
    }

    func contains(_ timestamp: Timestamp) -> Bool {
        entries.contains { $0.timestamp == timestamp }
    }

    func entry(_ timestamp: Timestamp) -> Entry? {
        entries.first { $0.timestamp == timestamp }
    }

    mutating func insert(_ entry: Entry) {
        let position = entries.firstIndex { entry.timestamp < $0.timestamp } ?? entries.endIndex
        entries.insert(entry, at: position)
    }

    var resolution: (winner: Timestamp, conflicts: [Timestamp])? {
        MergeRule.resolve(entries.map { MergeRule.Stamp(timestamp: $0.timestamp, seen: $0.seen) })
    }

    private static func append(_ entry: Entry, to writer: inout ByteWriter) {
        writer.writeTimestamp(entry.timestamp)
        writer.writeUInt64(UInt64(bitPattern: entry.sequence))
        writer.writeUInt8(UInt8(entry.seen.count))
        for stamp in entry.seen { writer.writeTimestamp(stamp) }
    }
}
