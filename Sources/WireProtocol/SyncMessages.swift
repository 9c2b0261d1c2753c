/// The messages of a sync session (`protocol/wire.md` §8.5). Records travel as their canonical
/// encoding (`protocol/records.md`), opaque to this layer: the nodes decode and check them.
///
///     push     F→C  u8 format (2) · u64 through (the field's log position the batch covers to)
///                   · u32 runs · runs × (u16 length · seal · u16 length · withheld reason, UTF-8
///                   (empty when the records follow) · u32 count · count × (u32 length · record))
///     relay    F→C  the same, with other nodes' records the central lost in a restore
///     pushed   C→F  u8 format · u64 through (echoed) · u32 accepted · u32 refused
///                   · refused × (u32 index in the batch · u8 retry (0 final, 1 send it again
///                   later) · u16 length · reason, UTF-8)
///     resume   F→C  u8 format · u64 log id · u64 cursor (see ``ResumeRequest``)
///     resumed  C→F  u8 format · u64 log id · u64 cursor · u8 flags · u64 push position
///     pull     F→C  u8 format · u64 cursor (the central's log position the field holds to)
///                   · u16 count · count × (u8 length · audit id): the audits it holds whole
///                   · u16 count · count × (u8 length · audit id) · count × u64 through: the
///                   audits whose catch-up was cut, and how far each got
///     pulling  C→F  u8 format (2) · u64 cursor · u16 count · count × (u8 length · audit id)
///                   · u16 count · count × (u64 node · 32-byte record key)
///     records  C→F  the same as push: u8 format (2) · u64 through (the central's log position
///                   covered to) · sealed runs
///     pulled   C→F  u8 format · u64 cursor · u16 count · count × (u8 length · audit id): the
///                   field now holds everything up to the cursor of exactly these audits
public enum SyncFormat {
    public static let version: UInt8 = 1
    /// Records per `push` or `records` message a sender should not exceed (a run holds at most
    /// 4096, so two fill a batch).
    public static let maxBatchRecords = 8192
}

/// One sealed run in a batch: the seal (protocol/signatures.md), opaque here, and the records it
/// covers in chain order — or none, with why, for a run the sender withholds.
public struct RunPayload: Equatable, Sendable {
    public let seal: [UInt8]
    public let withheld: String?
    public let records: [[UInt8]]

    public init(seal: [UInt8], withheld: String? = nil, records: [[UInt8]]) {
        self.seal = seal
        self.withheld = withheld
        self.records = records
    }
}

/// A batch of sealed runs of records with the log position it covers to (`push`, `relay`,
/// `records`; protocol version 2): records travel only in whole runs with their seals, so the
/// receiver verifies every run before applying it.
public struct RecordBatch: Equatable, Sendable {
    public let through: UInt64
    public let runs: [RunPayload]

    /// The format byte of version 2's record batches.
    public static let format: UInt8 = 2
    /// Runs in one batch at most.
    public static let maxRuns = 4096
    static let maxSealBytes = 512

    public init(through: UInt64, runs: [RunPayload]) {
        self.through = through
        self.runs = runs
    }

    /// Every record of the batch, run after run.
    public var records: [[UInt8]] { runs.flatMap(\.records) }

    public func message(_ type: MessageType) -> WireMessage {
        precondition(type == .push || type == .records || type == .relay, "record batches travel as push, relay or records")
        precondition(runs.count <= Self.maxRuns && records.count <= SyncFormat.maxBatchRecords, "a batch too large")
        var payload: [UInt8] = [Self.format]
        payload.reserveCapacity(13 + runs.reduce(0) { $0 + 8 + $1.seal.count + $1.records.reduce(0) { $0 + 4 + $1.count } })
        payload.appendUInt64(through)
        payload.appendUInt32(UInt32(runs.count))
        for run in runs {
            payload.appendUInt16(UInt16(run.seal.count))
            payload += run.seal
            let withheld = Array((run.withheld ?? "").utf8.prefix(PushAnswer.maxReasonBytes))
            payload.appendUInt16(UInt16(withheld.count))
            payload += withheld
            payload.appendUInt32(UInt32(run.records.count))
            for record in run.records {
                payload.appendUInt32(UInt32(record.count))
                payload += record
            }
        }
        return WireMessage(type, payload)
    }

    public init(payload: [UInt8], what: String) throws(FramingError) {
        var reader = PayloadReader(payload, what: what)
        let format = try reader.byte()
        guard format == Self.format else {
            throw .malformed(format == 1 ? "\(what): records without seals (an AuditSync build before signed records; update it)"
                                         : "\(what): unknown format")
        }
        through = try reader.uint64()
        let count = Int(try reader.uint32())
        guard count <= Self.maxRuns else { throw .malformed("\(what): \(count) runs in one batch") }
        var runs: [RunPayload] = []
        var total = 0
        for _ in 0..<count {
            let sealLength = Int(try reader.uint16())
            guard sealLength > 0, sealLength <= Self.maxSealBytes else { throw .malformed("\(what): a seal of \(sealLength) bytes") }
            let seal = Array(try reader.take(sealLength))
            let withheldLength = Int(try reader.uint16())
            guard withheldLength <= PushAnswer.maxReasonBytes else { throw .malformed("\(what): a reason over \(PushAnswer.maxReasonBytes) bytes") }
            guard let withheld = String(validating: try reader.take(withheldLength), as: UTF8.self) else {
                throw .malformed("\(what): a reason is not UTF-8")
            }
            let records = Int(try reader.uint32())
            total += records
            guard total <= SyncFormat.maxBatchRecords else { throw .malformed("\(what): more than \(SyncFormat.maxBatchRecords) records in one batch") }
            guard (records == 0) == (withheldLength > 0) else {
                throw .malformed("\(what): a run carries records or says why it withholds them, never both or neither")
            }
            var encoded: [[UInt8]] = []
            encoded.reserveCapacity(records)
            for _ in 0..<records {
                let length = Int(try reader.uint32())
                encoded.append(Array(try reader.take(length)))
            }
            runs.append(RunPayload(seal: seal, withheld: withheldLength > 0 ? withheld : nil, records: encoded))
        }
        try reader.finish()
        self.runs = runs
    }
}

/// The central's answer to a `push`: how many records it took, and why it refused the others.
public struct PushAnswer: Equatable, Sendable {
    public struct Refusal: Equatable, Sendable {
        public let index: UInt32
        public let reason: String
        /// The record may be taken later (it is stamped too far ahead of the central's clock):
        /// the node sends it again at its next sync instead of moving past it.
        public let retryLater: Bool
        public init(index: UInt32, reason: String, retryLater: Bool = false) {
            self.index = index
            self.reason = reason
            self.retryLater = retryLater
        }
    }

    public let through: UInt64
    public let accepted: UInt32
    public let refusals: [Refusal]
    /// A reason is cut to this many bytes (at a character boundary) when sent, and refused when longer.
    public static let maxReasonBytes = 1024

    public init(through: UInt64, accepted: UInt32, refusals: [Refusal]) {
        self.through = through
        self.accepted = accepted
        self.refusals = refusals
    }

    public var message: WireMessage {
        var payload: [UInt8] = [SyncFormat.version]
        payload.appendUInt64(through)
        payload.appendUInt32(accepted)
        payload.appendUInt32(UInt32(refusals.count))
        for refusal in refusals {
            payload.appendUInt32(refusal.index)
            payload.append(refusal.retryLater ? 1 : 0)
            let reason = UTF8Truncation.prefix(refusal.reason, maxBytes: PushAnswer.maxReasonBytes)
            payload += [UInt8(reason.count >> 8), UInt8(reason.count & 0xFF)] + reason
        }
        return WireMessage(.pushed, payload)
    }

    public init(payload: [UInt8]) throws(FramingError) {
        var reader = PayloadReader(payload, what: "pushed")
        guard try reader.byte() == SyncFormat.version else { throw .malformed("pushed: unknown format") }
        through = try reader.uint64()
        accepted = try reader.uint32()
        let count = Int(try reader.uint32())
        guard count <= RecordBatch.maxRuns else { throw .malformed("pushed: \(count) refusals") }
        var refusals: [Refusal] = []
        for _ in 0..<count {
            let index = try reader.uint32()
            let retry = try reader.byte()
            guard retry <= 1 else { throw .malformed("pushed: retry flag \(retry)") }
            let length = try reader.take(2).reduce(0) { $0 << 8 | Int($1) }
            guard length <= PushAnswer.maxReasonBytes else { throw .malformed("pushed: a reason of \(length) bytes") }
            guard let reason = String(validating: try reader.take(length), as: UTF8.self) else {
                throw .malformed("pushed: a reason is not UTF-8")
            }
            refusals.append(Refusal(index: index, reason: reason, retryLater: retry == 1))
        }
        try reader.finish()
        self.refusals = refusals
    }
}

/// The field node asks for what it has not seen.
public struct PullRequest: Equatable, Sendable {
    /// How far the node holds the central's log (in the log `resumed` named).
    public let cursor: UInt64
    /// Audits the node already holds whole up to the cursor; any other audit it may see is sent
    /// from its start.
    public let heldAudits: [String]
    /// Audits whose catch-up (their records up to the cursor) was cut: the node holds each up
    /// to `through`, and only what lies after it is sent again.
    public let catchingUp: [CatchUp]

    public struct CatchUp: Equatable, Sendable {
        public let audit: String
        public let through: UInt64
        public init(audit: String, through: UInt64) {
            self.audit = audit
            self.through = through
        }
    }

    public init(cursor: UInt64, heldAudits: [String], catchingUp: [CatchUp] = []) {
        self.cursor = cursor
        self.heldAudits = heldAudits
        self.catchingUp = catchingUp
    }

    public var message: WireMessage {
        var payload: [UInt8] = [SyncFormat.version]
        payload.appendUInt64(cursor)
        payload.appendAuditList(heldAudits)
        payload.appendAuditList(catchingUp.map(\.audit))
        for entry in catchingUp { payload.appendUInt64(entry.through) }
        return WireMessage(.pull, payload)
    }

    public init(payload: [UInt8]) throws(FramingError) {
        var reader = PayloadReader(payload, what: "pull")
        guard try reader.byte() == SyncFormat.version else { throw .malformed("pull: unknown format") }
        cursor = try reader.uint64()
        heldAudits = try reader.auditList()
        var catchingUp: [CatchUp] = []
        for audit in try reader.auditList() {
            catchingUp.append(CatchUp(audit: audit, through: 0))
        }
        for index in catchingUp.indices {
            let through = try reader.uint64()
            guard through <= cursor else { throw .malformed("pull: a catch-up past the cursor") }
            catchingUp[index] = CatchUp(audit: catchingUp[index].audit, through: through)
        }
        try reader.finish()
        self.catchingUp = catchingUp
    }
}

/// The first message of a download: the cursor the stream starts from and the audits the node
/// will hold once it is through. Batches whose `through` is at most `cursor` are the catch-up of
/// audits the node did not hold whole (sorted by log position, so `through` is how far each
/// caught-up audit now is); batches past it are the log after the cursor, and once one of them
/// is committed the node holds every audit of `audits` up to its `through`.
public struct PullStart: Equatable, Sendable {
    /// A node's record key, as the central registered it.
    public struct RecordKey: Equatable, Sendable {
        public let node: UInt64
        public let key: [UInt8]

        public init(node: UInt64, key: [UInt8]) {
            self.node = node
            self.key = key
        }
    }

    public let cursor: UInt64
    public let audits: [String]
    /// The record keys of every node whose runs this download may carry (the central's own, and
    /// those of the nodes of the audits' teams): what the laptop verifies them with.
    public let recordKeys: [RecordKey]

    public static let format: UInt8 = 2
    public static let maxKeys = 1 << 16 - 1

    public init(cursor: UInt64, audits: [String], recordKeys: [RecordKey]) {
        self.cursor = cursor
        self.audits = audits
        self.recordKeys = recordKeys
    }

    /// u8 format (2) · u64 cursor · the audit list · u16 count · count × (u64 node · 32-byte key).
    public var message: WireMessage {
        precondition(recordKeys.count <= Self.maxKeys && recordKeys.allSatisfy { $0.key.count == 32 })
        var payload: [UInt8] = [Self.format]
        payload.appendUInt64(cursor)
        payload.appendAuditList(audits)
        payload.appendUInt16(UInt16(recordKeys.count))
        for entry in recordKeys {
            payload.appendUInt64(entry.node)
            payload += entry.key
        }
        return WireMessage(.pulling, payload)
    }

    public init(payload: [UInt8]) throws(FramingError) {
        var reader = PayloadReader(payload, what: "pulling")
        guard try reader.byte() == Self.format else { throw .malformed("pulling: unknown format") }
        cursor = try reader.uint64()
        audits = try reader.auditList()
        let count = Int(try reader.uint16())
        var keys: [RecordKey] = []
        for _ in 0..<count { keys.append(RecordKey(node: try reader.uint64(), key: Array(try reader.take(32)))) }
        try reader.finish()
        recordKeys = keys
    }
}

/// The layout `pulling` and `pulled` share: format · u64 cursor · an audit list.
enum CursorAndAudits {
    static func message(_ type: MessageType, cursor: UInt64, audits: [String]) -> WireMessage {
        var payload: [UInt8] = [SyncFormat.version]
        payload.appendUInt64(cursor)
        payload.appendAuditList(audits)
        return WireMessage(type, payload)
    }

    static func decode(_ payload: [UInt8], what: String) throws(FramingError) -> (UInt64, [String]) {
        var reader = PayloadReader(payload, what: what)
        guard try reader.byte() == SyncFormat.version else { throw .malformed("\(what): unknown format") }
        let cursor = try reader.uint64()
        let audits = try reader.auditList()
        try reader.finish()
        return (cursor, audits)
    }
}

/// The end of a download: the node holds everything up to `cursor` of exactly `audits` (the
/// audits its auditor is on now). It names them in its next `pull`; an audit it is added to
/// later is then sent from its start.
public struct PullDone: Equatable, Sendable {
    public let cursor: UInt64
    public let audits: [String]

    public init(cursor: UInt64, audits: [String]) {
        self.cursor = cursor
        self.audits = audits
    }

    public var message: WireMessage { CursorAndAudits.message(.pulled, cursor: cursor, audits: audits) }

    public init(payload: [UInt8]) throws(FramingError) {
        (cursor, audits) = try CursorAndAudits.decode(payload, what: "pulled")
    }
}

extension Array where Element == UInt8 {
    mutating func appendAuditList(_ audits: [String]) {
        precondition(audits.count <= 0xFFFF, "at most 65535 audits in a list")
        // Audit ids are short (A-2026-0001); one that would be cut would name another audit.
        precondition(audits.allSatisfy { $0.utf8.count <= 255 }, "an audit id fits in 255 bytes")
        self += [UInt8(audits.count >> 8 & 0xFF), UInt8(audits.count & 0xFF)]
        for audit in audits { appendShortText(audit) }
    }
}

extension PayloadReader {
    mutating func auditList() throws(FramingError) -> [String] {
        let count = try take(2).reduce(0) { $0 << 8 | Int($1) }
        var audits: [String] = []
        for _ in 0..<count { audits.append(try shortText("audit id")) }
        return audits
    }
}

/// What a field node needs to check certificates offline, sent after `pulled` (SPEC §4): the
/// central's JWK Set (`keys`, 0x29: format · u32 length · the JWK Set's JSON, UTF-8) and its
/// signed status lists (`statusLists`, 0x2A: format · u16 count · count × (u32 length · compact
/// JWS, ASCII)). The node keeps the latest of each.
public struct PublishedKeys: Equatable, Sendable {
    public let jwks: String

    public init(jwks: String) {
        self.jwks = jwks
    }

    public var message: WireMessage {
        var payload: [UInt8] = [SyncFormat.version]
        payload.appendUInt32(UInt32(jwks.utf8.count))
        payload += Array(jwks.utf8)
        return WireMessage(.keys, payload)
    }

    public init(payload: [UInt8]) throws(FramingError) {
        var reader = PayloadReader(payload, what: "keys")
        guard try reader.byte() == SyncFormat.version else { throw .malformed("keys: unknown format") }
        jwks = try reader.longText("JWK Set")
        try reader.finish()
    }
}

public struct PublishedStatusLists: Equatable, Sendable {
    public let lists: [String]

    public init(lists: [String]) {
        precondition(lists.count <= 0xFFFF, "at most 65535 status lists")
        self.lists = lists
    }

    public var message: WireMessage {
        var payload: [UInt8] = [SyncFormat.version]
        payload += [UInt8(lists.count >> 8 & 0xFF), UInt8(lists.count & 0xFF)]
        for list in lists {
            payload.appendUInt32(UInt32(list.utf8.count))
            payload += Array(list.utf8)
        }
        return WireMessage(.statusLists, payload)
    }

    public init(payload: [UInt8]) throws(FramingError) {
        var reader = PayloadReader(payload, what: "statusLists")
        guard try reader.byte() == SyncFormat.version else { throw .malformed("statusLists: unknown format") }
        let count = try reader.take(2).reduce(0) { $0 << 8 | Int($1) }
        var lists: [String] = []
        for _ in 0..<count { lists.append(try reader.longText("status list")) }
        try reader.finish()
        self.lists = lists
    }
}

extension PayloadReader {
    /// A `u32` length, then that many bytes of UTF-8.
    mutating func longText(_ field: String) throws(FramingError) -> String {
        let length = Int(try uint32())
        guard let text = String(validating: try take(length), as: UTF8.self) else {
            throw .malformed("\(what): \(field) is not UTF-8")
        }
        return text
    }
}
