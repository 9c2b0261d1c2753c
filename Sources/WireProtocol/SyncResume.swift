/// How a sync session begins: the field node says which central log its cursor counts in, and
/// the central answers where that cursor stands in its log now and how far it holds the node's
/// own records. Both sides' positions are then the central's truth, so a central restored from
/// a backup (a new log that shares only a prefix with the old one) is reconciled with instead of
/// trusted blindly: the node sends again what the central lost and asks again for what it may
/// have missed, and nothing is sent twice in bulk.
///
///     resume   F→C  u8 format · u64 log id (0: none known yet) · u64 cursor
///     resumed  C→F  u8 format · u64 log id · u64 cursor · u8 flags · u64 push position
///
/// Flags: bit 0 — the central knows how far it holds the node's own records, and `pushedThrough`
/// says so; bit 1 — the node's cursor was moved back (a restore since its last sync): the central
/// takes `relay` batches in this session.
public struct ResumeRequest: Equatable, Sendable {
    /// The central log the node's cursor counts in (0 before its first completed pull of it).
    public let log: UInt64
    public let cursor: UInt64
    /// The public half of the Ed25519 key the node seals its records with (protocol/signatures.md):
    /// the central registers it at the node's first session and holds it to it afterwards.
    public let recordKey: [UInt8]

    public static let format: UInt8 = 2
    public static let recordKeyLength = 32

    public init(log: UInt64, cursor: UInt64, recordKey: [UInt8]) {
        precondition(recordKey.count == Self.recordKeyLength, "an Ed25519 public key is 32 bytes")
        self.log = log
        self.cursor = cursor
        self.recordKey = recordKey
    }

    public var message: WireMessage {
        var payload: [UInt8] = [Self.format]
        payload.appendUInt64(log)
        payload.appendUInt64(cursor)
        payload += recordKey
        return WireMessage(.resume, payload)
    }

    public init(payload: [UInt8]) throws(FramingError) {
        var reader = PayloadReader(payload, what: "resume")
        guard try reader.byte() == Self.format else { throw .malformed("resume: unknown format") }
        log = try reader.uint64()
        cursor = try reader.uint64()
        recordKey = Array(try reader.take(Self.recordKeyLength))
        try reader.finish()
    }
}

public struct ResumeAnswer: Equatable, Sendable {
    /// The central's log now: the node keeps it beside its cursor.
    public let log: UInt64
    /// The node's cursor read in that log: the one it sent, or lower when the log it counted in
    /// was cut back by a restore (positions past the restore point are not the same records).
    public let cursor: UInt64
    /// The node's own log position through which the central holds every record the node
    /// pushed (nil: the central has no note of it; the node keeps its own position).
    public let pushedThrough: UInt64?
    /// The cursor was moved back by a restore: records the node received past it may be lost
    /// at the central, and it takes them back (`relay`) in this session.
    public let restored: Bool

    public init(log: UInt64, cursor: UInt64, pushedThrough: UInt64?, restored: Bool) {
        self.log = log
        self.cursor = cursor
        self.pushedThrough = pushedThrough
        self.restored = restored
    }

    public var message: WireMessage {
        var payload: [UInt8] = [SyncFormat.version]
        payload.appendUInt64(log)
        payload.appendUInt64(cursor)
        payload.append((pushedThrough == nil ? 0 : 1) | (restored ? 2 : 0))
        payload.appendUInt64(pushedThrough ?? 0)
        return WireMessage(.resumed, payload)
    }

    public init(payload: [UInt8]) throws(FramingError) {
        var reader = PayloadReader(payload, what: "resumed")
        guard try reader.byte() == SyncFormat.version else { throw .malformed("resumed: unknown format") }
        log = try reader.uint64()
        cursor = try reader.uint64()
        let flags = try reader.byte()
        guard flags & ~3 == 0 else { throw .malformed("resumed: unknown flags \(flags)") }
        let pushed = try reader.uint64()
        guard flags & 1 == 1 || pushed == 0 else { throw .malformed("resumed: a push position without its flag") }
        pushedThrough = flags & 1 == 1 ? pushed : nil
        restored = flags & 2 == 2
        try reader.finish()
    }
}
