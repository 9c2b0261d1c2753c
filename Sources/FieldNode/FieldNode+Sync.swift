import Foundation
import MergeCore
import ReplicaStore
import Transport
import WireProtocol

/// What one `field sync` did.
public struct SyncSummary: Equatable, Sendable {
    /// This node's records the central took.
    public var sent = 0
    /// Records new to this node.
    public var received = 0
    /// Of those, how many lost to a concurrent write and are listed as conflicts.
    public var conflicts = 0
    /// Evidence files transferred.
    public var blobs = 0
    /// This node's records the central refused, with why; they stay in this node's log.
    public var refused: [String] = []
    /// Evidence the records name that the central does not hold yet (its author has not synced).
    public var missingBlobs: [String] = []
    /// This node's records the central will take later (stamped too far ahead of its clock):
    /// sent again at every sync until they are taken.
    public var postponed: [String] = []
    /// Evidence found damaged here (set aside in `blobs/quarantine/`, never sent) or arriving
    /// damaged, and what became of each; also copies set aside earlier that still lack a good one.
    public var quarantined: [DamagedEvidence] = []
}

extension FieldNode {
    /// Sync with the central: push this node's records it has not acknowledged, then pull what
    /// the node has not seen. Every step is resumable: the push position advances only when the
    /// central acknowledged a batch, the pull cursor only after the records it covers are
    /// committed here, so a sync cut anywhere is finished by the next one, applying nothing twice.
    public func sync(on loop: EventLoop, progress: (String) -> Void = { _ in }) throws -> SyncSummary {
        guard let enrollment = try enrollment else { throw FieldError.notEnrolled(directory.path) }
        let key = try StaticKeyFile.loadOrCreate(in: directory)
        let channel = try BlockingChannel.connect(on: loop, SecureClient.Configuration(
            host: enrollment.centralHost, port: enrollment.centralPort, staticKey: key,
            hello: Hello(versions: ProtocolVersion.supported, node: node.rawValue, role: .field,
                         name: ProcessInfo.processInfo.hostName),
            pinnedServerKey: enrollment.centralKey))
        defer { channel.close() }
        progress("connected to \(enrollment.centralName) at \(enrollment.centralHost):\(enrollment.centralPort)")
        var summary = SyncSummary()
        try push(on: channel, into: &summary, progress: progress)
        try offerBlobs(on: channel, into: &summary, progress: progress)
        try pull(on: channel, into: &summary, progress: progress)
        try fetchBlobs(on: channel, into: &summary, progress: progress)
        return summary
    }

    private func push(on channel: BlockingChannel, into summary: inout SyncSummary, progress: (String) -> Void) throws {
        var through = Int64(try config(Self.pushedKey).flatMap(Int64.init) ?? 0)
        if try skipReceivedRecords(from: through) { return }
        while true {
            let rows = try store.records(after: through, limit: PushLimits.batch)
            guard let last = rows.last else { break }
            let own = rows.filter { $0.record.timestamp.node == node }
            if !own.isEmpty {
                try channel.send(RecordBatch(through: UInt64(last.sequence), records: own.map { $0.record.encoded() }).message(.push))
                let answer = try PushAnswer(payload: try expect(.pushed, from: channel).payload)
                guard answer.through == UInt64(last.sequence) else {
                    throw FieldError.unexpectedAnswer("an acknowledgement for another batch")
                }
                summary.sent += Int(answer.accepted)
                var retryFrom: Int64?
                for refusal in answer.refusals where Int(refusal.index) < own.count {
                    let (sequence, record) = own[Int(refusal.index)]
                    if refusal.retryLater {
                        retryFrom = min(retryFrom ?? sequence, sequence)
                        summary.postponed.append("\(record.key) \(record.field): \(refusal.reason)")
                    } else {
                        summary.refused.append("\(record.key) \(record.field): \(refusal.reason)")
                    }
                }
                progress("sent \(summary.sent) records")
                // A record the central will take later (its clock was ahead) keeps the push
                // position before it: the next sync sends it again, with what follows.
                if let retryFrom {
                    if retryFrom - 1 > through { try setConfig(Self.pushedKey, String(retryFrom - 1)) }
                    return
                }
            }
            through = last.sequence
            try setConfig(Self.pushedKey, String(through))
        }
    }

    /// When none of this node's own records lies past `through`, moves the push position to the
    /// log's end without reading what lies between (records received from the central), so an
    /// incremental sync costs what changed, not the replica's size. The end is read before the
    /// last own position: a local write landing between the two reads is past that end.
    @discardableResult
    private func skipReceivedRecords(from through: Int64) throws -> Bool {
        let end = try store.lastSequence()
        guard try store.lastLocalSequence() <= through else { return false }
        if end > through { try setConfig(Self.pushedKey, String(end)) }
        return true
    }

    private func pull(on channel: BlockingChannel, into summary: inout SyncSummary, progress: (String) -> Void) throws {
        let cursor = UInt64(try config(Self.pulledKey).flatMap(UInt64.init) ?? 0)
        let held = try config(Self.heldKey).map { $0.split(separator: "\n").map(String.init) } ?? []
        try channel.send(PullRequest(cursor: cursor, heldAudits: held).message)
        // Batches are applied a few at a time, each group in one transaction with the cursor
        // that covers it: fewer disk syncs, and the cursor still never passes an uncommitted record.
        var pending: [MergeRecord] = []
        var pendingThrough = cursor
        func commitPending() throws {
            guard !pending.isEmpty || pendingThrough > cursor else { return }
            let report = try store.apply(pending) { report in
                // A refused record (stamped too far ahead of this laptop's clock) keeps the
                // cursor where it was: the next sync fetches it again.
                if report.rejected.isEmpty, pendingThrough > cursor { try setConfig(Self.pulledKey, String(pendingThrough)) }
            }
            summary.received += report.applied
            summary.conflicts += report.conflicts
            pending.removeAll(keepingCapacity: true)
            if !report.rejected.isEmpty {
                throw FieldError.refusedRecords(report.rejected.map { "\($0.record.key) \($0.record.field): \($0.reason)" })
            }
            progress("received \(summary.received) records")
        }
        while true {
            let message = try channel.receive()
            switch message.type {
            case .records:
                let batch = try RecordBatch(payload: message.payload, what: "records")
                pending += try batch.records.map { try MergeRecord(decoding: $0) }
                pendingThrough = max(pendingThrough, batch.through)
                if pending.count >= Self.recordsPerCommit { try commitPending() }
            case .pulled:
                try commitPending()
                let done = try PullDone(payload: message.payload)
                try database.transaction {
                    try setConfig(Self.pulledKey, String(done.cursor))
                    try setConfig(Self.heldKey, done.audits.joined(separator: "\n"))
                }
                try skipReceivedRecords(from: Int64(try config(Self.pushedKey).flatMap(Int64.init) ?? 0))
                try receivePublications(on: channel)
                return
            case .error:
                throw FieldError.refused(try ChannelError(payload: message.payload).reason)
            default:
                throw FieldError.unexpectedAnswer("a \(message.type) message during the download")
            }
        }
    }

    /// Records applied per transaction while pulling (four full batches).
    static let recordsPerCommit = 4096

    /// The central's keys and status lists, which follow `pulled`: kept, so that `verify` on
    /// this laptop checks certificates with no network.
    private func receivePublications(on channel: BlockingChannel) throws {
        let keys = try PublishedKeys(payload: try expect(.keys, from: channel).payload)
        let lists = try PublishedStatusLists(payload: try expect(.statusLists, from: channel).payload)
        try database.transaction {
            try setConfig(Self.keysKey, keys.jwks)
            try setConfig(Self.statusListsKey, lists.lists.joined(separator: "\n"))
        }
    }

    /// The central's JWK Set and signed status lists as last received (nil before a sync).
    public func publications() throws -> (keys: String, statusLists: [String])? {
        guard let keys = try config(Self.keysKey) else { return nil }
        let lists = try config(Self.statusListsKey).map { $0.split(separator: "\n").map(String.init) } ?? []
        return (keys, lists)
    }

    func expect(_ type: MessageType, from channel: BlockingChannel) throws -> WireMessage {
        let message = try channel.receive()
        if message.type == .error { throw FieldError.refused(try ChannelError(payload: message.payload).reason) }
        guard message.type == type else { throw FieldError.unexpectedAnswer("a \(message.type) message instead of \(type)") }
        return message
    }

    static let pushedKey = "sync.pushed_through"
    static let pulledKey = "sync.pulled_through"
    static let heldKey = "sync.held_audits"
    static let keysKey = "trust.keys"
    static let statusListsKey = "trust.status_lists"

    private enum PushLimits {
        static let batch = 1024
    }
}
