import AuditReplica
import Foundation
import HexEncoding
import MergeCore
import RecordSeals
import ReplicaStore
import WireProtocol

/// Receiving the team's work: records by cursor, then the central's keys and status lists.
extension FieldNode {
    /// Asks for what this laptop has not seen: the log after its cursor, and the audits it does
    /// not hold whole from their start (or from where a cut catch-up stopped). Batches are
    /// applied a few at a time, each group in one transaction with the positions that cover it,
    /// so nothing committed is ever asked for again and no position passes an uncommitted record.
    func pull(on channel: BlockingChannel, into summary: inout SyncSummary, progress: (String) -> Void) throws {
        let cursor = UInt64(try config(Self.pulledKey).flatMap(UInt64.init) ?? 0)
        let held = try config(Self.heldKey).map { $0.split(separator: "\n").map(String.init) } ?? []
        var catchingUp = try catchUpProgress()
        try channel.send(PullRequest(cursor: cursor, heldAudits: held, catchingUp: catchingUp.sorted { $0.key < $1.key }
            .map { PullRequest.CatchUp(audit: $0.key, through: $0.value) }).message)
        let start = try PullStart(payload: try expect(.pulling, from: channel, step: "pull").payload)
        guard start.cursor == cursor else { throw FieldError.unexpectedAnswer("a download from another cursor") }
        // The audits this laptop will hold: any other held here goes now (its push came first).
        summary.removed += try forgetAudits(notIn: start.audits)

        // What the runs of this download are verified with: the keys the central registered.
        var recordKeys = Dictionary(start.recordKeys.map { (NodeID(rawValue: $0.node), $0.key) }, uniquingKeysWith: { first, _ in first })
        if let own = store.recordSigningKey?.publicKey { recordKeys[node] = own }
        // Kept: `field check` verifies what this laptop holds with them.
        try setConfig(Self.recordKeysKey, start.recordKeys.map { "\(NodeID(rawValue: $0.node).hex) \(Hex.encode($0.key))" }
            .joined(separator: "\n"))
        var pending: [SealedRun] = []
        // Where the records pending reach: in the catch-up (at most the cursor), or past it.
        var catchUpThrough: UInt64?
        var logThrough: UInt64?
        func commitPending() throws {
            guard !pending.isEmpty || logThrough != nil || catchUpThrough != nil else { return }
            let caughtUp = Set(pending.lazy.map(\.seal.scope))
            let sealed = try store.applySealed(pending, publicKey: { recordKeys[$0] }, alsoInTransaction: { report in
                // A refused record (stamped too far ahead of this laptop's clock) keeps every
                // position where it was: the next sync fetches it again.
                guard report.rejected.isEmpty else { return }
                if let logThrough {
                    // Past the catch-up: every audit of the download is held whole up to here.
                    try setConfig(Self.pulledKey, String(logThrough))
                    try setConfig(Self.heldKey, start.audits.joined(separator: "\n"))
                    try saveCatchUpProgress([:])
                    try pullMarks.note(local: try store.lastSequence(), cursor: logThrough)
                } else if let catchUpThrough {
                    for audit in caughtUp { catchingUp[audit] = catchUpThrough }
                    try saveCatchUpProgress(catchingUp)
                }
            })
            summary.received += sealed.records.applied
            summary.conflicts += sealed.records.conflicts
            pending.removeAll(keepingCapacity: true)
            (catchUpThrough, logThrough) = (nil, nil)
            if !sealed.rejected.isEmpty {
                throw FieldError.refusedRecords(sealed.rejected.map { "records \($0.seal.first)–\($0.seal.last) of node \($0.seal.node.hex) "
                    + "in \($0.seal.scope): \($0.reason)" })
            }
            progress("received \(summary.received) records")
        }
        while true {
            let message: WireMessage
            do {
                message = try channel.receive()
            } catch {
                // The link dropped: what arrived whole is kept, so the next pull starts after it.
                try? commitPending()
                throw error
            }
            switch message.type {
            case .records:
                let batch = try RecordBatch(payload: message.payload, what: "records")
                if batch.through <= cursor {
                    // A catch-up batch after log batches cannot be: the catch-up comes first.
                    guard logThrough == nil else { throw FieldError.unexpectedAnswer("a catch-up batch after the log") }
                    catchUpThrough = batch.through
                } else {
                    // Catch-up records and log records never share a commit: each kind moves its own position.
                    if catchUpThrough != nil { try commitPending() }
                    logThrough = batch.through
                }
                for run in batch.runs {
                    pending.append(SealedRun(seal: try Seal(decoding: run.seal), records: try run.records.map { try MergeRecord(decoding: $0) },
                                             withheld: run.withheld))
                }
                if pending.reduce(0, { $0 + $1.records.count }) >= Self.recordsPerCommit { try commitPending() }
            case .pulled:
                try commitPending()
                let done = try PullDone(payload: message.payload)
                try database.transaction {
                    try setConfig(Self.pulledKey, String(done.cursor))
                    try setConfig(Self.heldKey, done.audits.joined(separator: "\n"))
                    try saveCatchUpProgress([:])
                    try pullMarks.note(local: try store.lastSequence(), cursor: done.cursor)
                }
                try skipReceivedRecords(from: Int64(try config(Self.pushedKey).flatMap(Int64.init) ?? 0))
                try receivePublications(on: channel)
                return
            case .error:
                throw FieldError.centralRefused(try ChannelError(payload: message.payload), step: "pull")
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
        let keys = try PublishedKeys(payload: try expect(.keys, from: channel, step: "pull").payload)
        let lists = try PublishedStatusLists(payload: try expect(.statusLists, from: channel, step: "pull").payload)
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
}

extension FieldNode {
    static let recordKeysKey = "trust.record_keys"

    /// The record keys the central named at the last pull, and this laptop's own.
    func knownRecordKeys() throws -> [NodeID: [UInt8]] {
        var keys: [NodeID: [UInt8]] = [:]
        for line in (try config(Self.recordKeysKey) ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let node = NodeID(hex: String(parts[0])), let key = Hex.decode(parts[1]) else { continue }
            keys[node] = key
        }
        if let own = store.recordSigningKey?.publicKey { keys[node] = own }
        return keys
    }
}
