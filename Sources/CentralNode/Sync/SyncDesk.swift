import AuditReplica
import Foundation
import MergeCore
import ReplicaStore
import Transport
import WireProtocol

/// The central's side of sync sessions, on the server's loop thread with its own connection to
/// `central.sqlite`: it checks and applies what field nodes push, and chooses what each may pull.
final class SyncDesk {
    let central: Central

    init(central: Central) {
        self.central = central
    }

    var store: ReplicaStore { central.store }

    /// Checks every record of a push against the policy, applies the rest in one transaction,
    /// and says which were refused and why. Storage failures throw (the connection closes and
    /// the node pushes again: applying is idempotent).
    func push(_ batch: RecordBatch, from node: NodeID, auditor: String) throws -> PushAnswer {
        var plans: [String: AuditPlan?] = [:]
        let policy = RecordPolicy(node: node, auditor: auditor) { [central] audit in
            if let known = plans[audit] { return known }
            let plan = try? central.replica.plan(of: audit)
            plans[audit] = plan
            return plan
        }
        var refusals: [PushAnswer.Refusal] = []
        var accepted: [(index: Int, record: MergeRecord)] = []
        for (index, bytes) in batch.records.enumerated() {
            do {
                let record = try MergeRecord(decoding: bytes)
                if let reason = policy.refusal(of: record) {
                    refusals.append(.init(index: UInt32(index), reason: reason))
                } else {
                    accepted.append((index, record))
                }
            } catch {
                refusals.append(.init(index: UInt32(index), reason: "not a valid record: \(error)"))
            }
        }
        let report = try store.apply(accepted.map(\.record))
        for rejection in report.rejected {
            guard let entry = accepted.first(where: { $0.record == rejection.record }) else { continue }
            refusals.append(.init(index: UInt32(entry.index), reason: rejection.reason, retryLater: rejection.retryLater))
        }
        refusals.sort { $0.index < $1.index }
        return PushAnswer(through: batch.through, accepted: UInt32(accepted.count - report.rejected.count), refusals: refusals)
    }

    /// The audits `auditor` is on the team of: all a node of theirs may pull.
    func visibleAudits(of auditor: String) throws -> Set<String> {
        Set(try central.replica.audits().filter { $0.team.contains(auditor) }.map(\.id))
    }
}

/// One download in progress: first every record of audits the node does not hold yet (it joined
/// their team, or it is new), then the log after the node's cursor, filtered to what it may see
/// and to what it did not write itself. Sent while the connection has room; resumed when it
/// drains. Ends with `pulled` at the log position it started from.
final class PullStream {
    private let desk: SyncDesk
    private let node: NodeID
    private let visible: Set<String>
    private var catchUp: [Int64]
    private var position: Int64
    private let end: Int64
    private let cursor: UInt64
    /// The log and catch-up were read to the end (`pulled` was given out).
    private(set) var isFinished = false
    /// Nothing more to send at all.
    var isDone: Bool { isFinished && trailer.isEmpty }
    private(set) var sent = 0
    /// Continues the stream in a later turn of the loop (see `pump`).
    private var resumption: LoopTimer?
    /// Messages that follow `pulled`.
    private var trailer: [WireMessage] = []
    static let batchRecords = 4096

    init(desk: SyncDesk, node: NodeID, auditor: String, request: PullRequest, rowsPerStep: Int = 64 * 1024) throws {
        self.desk = desk
        self.rowsPerStep = rowsPerStep
        self.node = node
        visible = try desk.visibleAudits(of: auditor)
        end = try desk.store.lastSequence()
        // A cursor past the log (a central restored from an older backup) restarts from zero.
        cursor = request.cursor <= UInt64(end) ? request.cursor : 0
        position = Int64(cursor)
        let held = Set(request.heldAudits)
        catchUp = []
        for audit in visible.subtracting(held).sorted() {
            catchUp += try desk.store.sequences(in: KeyScope(audit), entities: AuditSchema.Entity.all)
                .filter { $0 <= Int64(cursor) }
        }
    }

    /// Sends batches while `connection` takes them; returns when it is full or the stream ended.
    /// When a step read its share of the log without finding anything to send (a node whose
    /// audits are a small part of a large log), it continues in a later turn of the loop, so the
    /// other connections are served in between.
    func pump(_ connection: SecureConnection, onFailure: @escaping (Error) -> Void) throws {
        while connection.isWritable, !connection.isClosing {
            guard let message = try next() else {
                if isDone {
                    cancel()
                } else {
                    let timer = resumption ?? LoopTimer(loop: connection.loop)
                    resumption = timer
                    timer.schedule(after: 0) { [weak self, weak connection] in
                        guard let self, let connection else { return }
                        do { try pump(connection, onFailure: onFailure) } catch { onFailure(error) }
                    }
                }
                return
            }
            connection.send(message)
        }
    }

    /// Stops a pending continuation (the connection closed, or the stream ended).
    func cancel() {
        resumption?.close()
        resumption = nil
    }

    /// Log rows one call of `next()` reads at most before it gives the loop back.
    let rowsPerStep: Int

    /// The next message of the stream — a `records` batch, then `pulled` last — or nil once
    /// `pulled` was given out, or when this step read `rowsPerStep` rows and found nothing to
    /// send (call again).
    func next() throws -> WireMessage? {
        if isFinished { return trailer.isEmpty ? nil : trailer.removeFirst() }
        var scanned = 0
        while !isFinished, scanned < rowsPerStep {
            if !catchUp.isEmpty {
                let part = Array(catchUp.prefix(Self.batchRecords))
                catchUp.removeFirst(part.count)
                let records = try desk.store.records(at: part).filter { $0.timestamp.node != node }
                if let batch = batch(records, through: cursor) { return batch }
                continue
            }
            let rows = try desk.store.records(after: position, limit: min(Self.batchRecords, rowsPerStep))
                .filter { $0.sequence <= end }
            scanned += rows.count
            guard let last = rows.last else {
                isFinished = true
                // After `pulled`: what the node needs to check certificates offline.
                trailer = [PublishedKeys(jwks: try desk.central.publicKeys().document.encoded(pretty: false)).message,
                           PublishedStatusLists(lists: try desk.central.signedStatusLists()
                               .split(whereSeparator: \.isNewline).map(String.init)).message]
                return PullDone(cursor: UInt64(end), audits: visible.sorted()).message
            }
            position = last.sequence
            let records = rows.map(\.record).filter {
                $0.timestamp.node != node && visible.contains(AuditSchema.audit(ofKey: $0.key))
            }
            if let batch = batch(records, through: UInt64(position)) { return batch }
        }
        return nil
    }

    private func batch(_ records: [MergeRecord], through: UInt64) -> WireMessage? {
        guard !records.isEmpty else { return nil }
        sent += records.count
        return RecordBatch(through: through, records: records.map { $0.encoded() }).message(.records)
    }
}
