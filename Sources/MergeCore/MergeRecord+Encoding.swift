/// The stable binary layout of a merge record (format version 1). The wire carries it, the
/// replica stores nothing else, and `protocol/records.md` is its normative description:
///
///     u8      format version (1)
///     u64 BE  clock: physical milliseconds (47 bits) << 16 | logical counter (below 2^63)
///     u64 BE  origin node id
///     string  entity   (varint length 1…64, UTF-8)
///     string  key      (varint length 1…1024, UTF-8)
///     string  field    (varint length 1…64, UTF-8)
///     value   u8 tag: 0 null, 1 false, 2 true, 3 int (i64 BE), 4 text (varint length ≤ 1 MiB, UTF-8)
///     varint  number of seen timestamps (≤ 64), then each as u64 BE clock + u64 BE node,
///             strictly ascending and each earlier than the record's own timestamp
///
/// The encoding is canonical: one record has exactly one encoding, and the decoder refuses any other.
extension MergeRecord {
    public static let formatVersion: UInt8 = 1

    public enum Limits {
        public static let entityBytes = 64
        public static let keyBytes = 1024
        public static let fieldBytes = 64
        public static let textBytes = 1 << 20
        public static let seenCount = 64
    }

    enum ValueTag: UInt8 {
        case null = 0, `false` = 1, `true` = 2, int = 3, text = 4
    }

    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 40 + entity.utf8.count + key.utf8.count + field.utf8.count)
        encode(into: &writer)
        return writer.bytes
    }

    public func encode(into writer: inout ByteWriter) {
        writer.writeUInt8(MergeRecord.formatVersion)
        writer.writeTimestamp(timestamp)
        writer.writeString(entity)
        writer.writeString(key)
        writer.writeString(field)
        value.encode(into: &writer)
        writer.writeVarint(UInt64(seen.count))
        for stamp in seen { writer.writeTimestamp(stamp) }
    }

    /// Decodes exactly one record that fills `bytes`.
    public init(decoding bytes: [UInt8]) throws(DecodingError) {
        let result = bytes.withUnsafeBytes { raw -> Result<MergeRecord, DecodingError> in
            var reader = ByteReader(raw)
            do throws(DecodingError) {
                let record = try MergeRecord(from: &reader)
                guard reader.isAtEnd else {
                    return .failure(.malformed("\(reader.remaining) bytes follow the record", at: reader.offset))
                }
                return .success(record)
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    /// Decodes one record from the reader's position, leaving it after the record.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        let version = try reader.readUInt8()
        guard version == MergeRecord.formatVersion else { throw .unsupportedVersion(version) }
        let timestamp = try MergeRecord.readTimestamp(&reader)
        let entity = try reader.readString(maxBytes: Limits.entityBytes, what: "entity")
        let key = try reader.readString(maxBytes: Limits.keyBytes, what: "key")
        let field = try reader.readString(maxBytes: Limits.fieldBytes, what: "field")
        for (name, text) in [("entity", entity), ("key", key), ("field", field)] where text.isEmpty {
            throw .malformed("\(name) is empty", at: reader.offset)
        }
        let value = try MergeValue(from: &reader)
        let countOffset = reader.offset
        let count = try reader.readVarint()
        guard count <= UInt64(Limits.seenCount) else {
            throw .malformed("\(count) seen timestamps, more than the limit of \(Limits.seenCount)", at: countOffset)
        }
        var seen: [Timestamp] = []
        seen.reserveCapacity(Int(count))
        for _ in 0..<count {
            let stampOffset = reader.offset
            let stamp = try MergeRecord.readTimestamp(&reader)
            guard stamp < timestamp else {
                throw .malformed("a seen timestamp is not earlier than the record's own", at: stampOffset)
            }
            guard seen.last.map({ $0 < stamp }) ?? true else {
                throw .malformed("seen timestamps are not strictly ascending", at: stampOffset)
            }
            seen.append(stamp)
        }
        self.init(entity: entity, key: key, field: field, value: value, timestamp: timestamp, seen: seen)
    }

    private static func readTimestamp(_ reader: inout ByteReader) throws(DecodingError) -> Timestamp {
        let offset = reader.offset
        let clock = try reader.readUInt64()
        let node = try reader.readUInt64()
        guard clock >> 63 == 0 else { throw .malformed("clock is beyond 47 bits of milliseconds", at: offset) }
        return Timestamp(packedClock: Int64(clock), node: NodeID(rawValue: node))
    }
}

extension MergeValue {
    public func encode(into writer: inout ByteWriter) {
        switch self {
        case .null: writer.writeUInt8(MergeRecord.ValueTag.null.rawValue)
        case .bool(false): writer.writeUInt8(MergeRecord.ValueTag.false.rawValue)
        case .bool(true): writer.writeUInt8(MergeRecord.ValueTag.true.rawValue)
        case .int(let value):
            writer.writeUInt8(MergeRecord.ValueTag.int.rawValue)
            writer.writeUInt64(UInt64(bitPattern: value))
        case .text(let value):
            writer.writeUInt8(MergeRecord.ValueTag.text.rawValue)
            writer.writeString(value)
        }
    }

    /// The value alone, as the replica stores it in its state and log tables.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 16)
        encode(into: &writer)
        return writer.bytes
    }

    public init(decoding bytes: UnsafeRawBufferPointer) throws(DecodingError) {
        var reader = ByteReader(bytes)
        self = try MergeValue(from: &reader)
        guard reader.isAtEnd else { throw .malformed("bytes follow the value", at: reader.offset) }
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        let offset = reader.offset
        let raw = try reader.readUInt8()
        guard let tag = MergeRecord.ValueTag(rawValue: raw) else {
            throw .malformed("unknown value tag \(raw)", at: offset)
        }
        switch tag {
        case .null: self = .null
        case .false: self = .bool(false)
        case .true: self = .bool(true)
        case .int: self = .int(Int64(bitPattern: try reader.readUInt64()))
        case .text: self = .text(try reader.readString(maxBytes: MergeRecord.Limits.textBytes, what: "text value"))
        }
    }
}
