/// One change: the value of one field of one entity, stamped by the node that wrote it.
///
/// A record is identified by (entity, key, field, timestamp): one write operation may stamp
/// several fields with the same timestamp, and the timestamp carries the origin node.
public struct MergeRecord: Hashable, Sendable {
    /// The kind of thing changed: `audit`, `item`, `finding`, …
    public let entity: String
    /// Which one of them: an audit id, `AUDIT/iso42001:2023/6.1`, …
    public let key: String
    /// Which of its fields.
    public let field: String
    public let value: MergeValue
    /// When and where the value was written; the origin node is `timestamp.node`.
    public let timestamp: Timestamp
    /// The timestamps of the values the writer's replica showed for this field when it wrote:
    /// the winner and any listed conflicts. Empty for a first write. A record named here is
    /// superseded — overwritten by someone who had seen it — and is never reported as a conflict.
    public let seen: [Timestamp]

    public init(entity: String, key: String, field: String, value: MergeValue,
                timestamp: Timestamp, seen: [Timestamp] = []) {
        self.entity = entity
        self.key = key
        self.field = field
        self.value = value
        self.timestamp = timestamp
        // Canonical form: ascending, no repeats. Almost every write saw one value or none.
        self.seen = seen.count < 2 ? seen : Array(Set(seen)).sorted()
    }

    public var origin: NodeID { timestamp.node }
    public var fieldID: FieldID { FieldID(entity: entity, key: key, field: field) }
}

/// The address of one last-writer-wins register. Equal, hashed and ordered by UTF-8 bytes
/// (`ByteExactEquality.swift`), as SQLite and every other replica see it.
public struct FieldID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let entity: String
    public let key: String
    public let field: String

    public init(entity: String, key: String, field: String) {
        self.entity = entity
        self.key = key
        self.field = field
    }

    public var description: String { "\(entity)/\(key).\(field)" }
}
