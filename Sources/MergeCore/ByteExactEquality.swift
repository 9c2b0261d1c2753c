// Swift compares strings by canonical equivalence: "é" precomposed equals "e" + combining acute.
// SQLite, the record encoding and every other replica compare bytes, so two records whose text
// differs only in normalisation are two records, two rows, two fields. These conformances make
// Swift agree: equality, hashing and order of the merge types are over UTF-8 bytes.

extension String {
    /// Byte-for-byte equality of the UTF-8 encodings.
    @inlinable
    func bytesEqual(_ other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }

    @inlinable
    func hashBytes(into hasher: inout Hasher) {
        hasher.combine(utf8.count)
        for byte in utf8 { hasher.combine(byte) }
    }

    /// Order by UTF-8 bytes, as SQLite's BINARY collation orders text.
    @inlinable
    func bytesPrecede(_ other: String) -> Bool {
        utf8.lexicographicallyPrecedes(other.utf8)
    }
}

extension FieldID {
    public static func == (lhs: FieldID, rhs: FieldID) -> Bool {
        lhs.entity.bytesEqual(rhs.entity) && lhs.key.bytesEqual(rhs.key) && lhs.field.bytesEqual(rhs.field)
    }

    public func hash(into hasher: inout Hasher) {
        entity.hashBytes(into: &hasher)
        key.hashBytes(into: &hasher)
        field.hashBytes(into: &hasher)
    }

    public static func < (lhs: FieldID, rhs: FieldID) -> Bool {
        if !lhs.entity.bytesEqual(rhs.entity) { return lhs.entity.bytesPrecede(rhs.entity) }
        if !lhs.key.bytesEqual(rhs.key) { return lhs.key.bytesPrecede(rhs.key) }
        return lhs.field.bytesPrecede(rhs.field)
    }
}

extension MergeValue {
    public static func == (lhs: MergeValue, rhs: MergeValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.text(let a), .text(let b)): a.bytesEqual(b)
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(1); hasher.combine(value)
        case .int(let value): hasher.combine(2); hasher.combine(value)
        case .text(let value): hasher.combine(3); value.hashBytes(into: &hasher)
        }
    }
}

extension MergeRecord {
    public static func == (lhs: MergeRecord, rhs: MergeRecord) -> Bool {
        lhs.timestamp == rhs.timestamp && lhs.fieldID == rhs.fieldID && lhs.value == rhs.value && lhs.seen == rhs.seen
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(fieldID)
        hasher.combine(timestamp)
        hasher.combine(value)
        hasher.combine(seen)
    }
}
