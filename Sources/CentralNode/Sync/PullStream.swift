import AuditReplica
import MergeCore
import RecordSeals
import ReplicaStore
import Transport
import WireProtocol

/// One download in progress. It opens with `pulling` (the cursor and the audits the node will
/// hold); then come the records of audits the node does not hold whole up to its cursor (it
/// joined their team, it is new, or their catch-up was cut), in log order, each batch's
/// `through` the log position it reaches, so a cut catch-up resumes where it stopped; then the
/// log after the cursor, filtered to what the node may see and did not write itself. Sent while
/// the connection has room; resumed when it drains. Ends with `pulled` at the log position it
/// started from.
final class PullStream {
    private let desk: SyncDesk
    private let node: NodeID
    private let visible: Set<String>
    /// Log positions of the catch-up, ascending, and how far it was sent.
    private let catchUp: [Int64]
    private var catchUpSent = 0
    /// The catch-up has sent every position up to here (a run completed from the log reaches past its chunk).
    private var catchUpThrough: Int64 = 0
    private var position: Int64
    private let end: Int64
    private let cursor: UInt64
    /// `pulling` went out.
    private var started = false
    /// The log and catch-up were read to the end (`pulled` was given out).
    private(set) var isFinished = false
    /// Nothing more to send at all.
    var isDone: Bool { isFinished && trailer.isEmpty }
    /// Records handed to the connection so far.
    private(set) var sent = 0
    /// Continues the stream in a later turn of the loop (see `pump`).
    private var resumption: LoopTimer?
    /// Messages that follow `pulled`.
    private var trailer: [WireMessage] = []
    static let batchRecords = 4096

    /// `request.cursor` is read in the central's log as it is now (`resume` translated it).
    init(desk: SyncDesk, node: NodeID, auditor: String, request: PullRequest, rowsPerStep: Int = 64 * 1024) throws {
        self.desk = desk
        self.rowsPerStep = rowsPerStep
        self.node = node
        visible = try desk.visibleAudits(of: auditor)
        end = try desk.store.lastSequence()
        let cursor = min(request.cursor, UInt64(end))
        self.cursor = cursor
        position = Int64(cursor)
        let held = Set(request.heldAudits)
        let progress = Dictionary(request.catchingUp.map { ($0.audit, Int64($0.through)) }, uniquingKeysWith: max)
        var catchUp: [Int64] = []
        for audit in visible.subtracting(held) {
            let from = progress[audit] ?? 0
            catchUp += try desk.store.sequences(in: KeyScope(audit), entities: AuditSchema.Entity.all)
                .filter { $0 > from && $0 <= Int64(cursor) }
        }
        self.catchUp = catchUp.sorted()
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
        if !started {
            started = true
            return PullStart(cursor: cursor, audits: visible.sorted(), recordKeys: try desk.central.recordKeys(forTeamsOf: visible)).message
        }
        if !queued.isEmpty {
            let (message, records) = queued.removeFirst()
            sent += records
            return message
        }
        if isFinished { return trailer.isEmpty ? nil : trailer.removeFirst() }
        var scanned = 0
        while !isFinished, scanned < rowsPerStep {
            if catchUpSent < catchUp.count {
                // Past what a completed run already took from the log.
                let part = catchUp[catchUpSent..<min(catchUpSent + Self.batchRecords, catchUp.count)].filter { $0 > catchUpThrough }
                catchUpSent = min(catchUpSent + Self.batchRecords, catchUp.count)
                guard let last = part.last else { continue }
                let records = zip(part, try desk.store.records(at: Array(part))).filter { $0.1.timestamp.node != node }
                let sealed = try desk.store.sealedRuns(records.map { ($0.0, $0.1) })
                let from = catchUpThrough
                catchUpThrough = max(catchUpThrough, sealed.through ?? last)
                let audits = Set(records.map { AuditSchema.audit(ofKey: $0.1.key) })
                let runs = try inOrder(sealed.runs, withWithheldAfter: from, through: catchUpThrough) { audits.contains($0) }
                if let batch = batches(runs, through: UInt64(max(last, sealed.through ?? last))) { return batch }
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
            let records = rows.filter {
                $0.record.timestamp.node != node && visible.contains(AuditSchema.audit(ofKey: $0.record.key))
            }.map { ($0.sequence, $0.record) }
            // Whole runs only: a run the page cut is completed from the log, and the page ends with it.
            let sealed = try desk.store.sealedRuns(records)
            let from = position
            position = max(last.sequence, sealed.through ?? last.sequence)
            let runs = try inOrder(sealed.runs, withWithheldAfter: from, through: position) { visible.contains($0) }
            if let batch = batches(runs, through: UInt64(position)) { return batch }
        }
        return nil
    }

    /// Runs put into `records` messages of about `batchBytes` each (a run is never cut), the
    /// first returned and the rest queued. Each message's `through` is its last run's last log
    /// position (the last message's: `through`, which may lie past it when the rows after were
    /// filtered out), so the node's cursor never passes a record it has not received. Small
    /// messages keep what a dropped link wastes small: what was queued is sent again.
    private func batches(_ runs: [SealedRun], through: UInt64) -> WireMessage? {
        guard !runs.isEmpty else { return nil }
        var messages: [(message: WireMessage, records: Int)] = []
        var chunk: [RunPayload] = []
        var bytes = 0
        var records = 0
        for (index, run) in runs.enumerated() {
            let encoded = run.records.map { $0.encoded() }
            chunk.append(RunPayload(seal: run.seal.encoded(), withheld: run.withheld, records: encoded))
            bytes += encoded.reduce(160) { $0 + $1.count + 4 }
            records += encoded.count
            let isLast = index == runs.count - 1
            let nextRecords = isLast ? 0 : runs[index + 1].records.count
            if isLast || bytes >= Self.batchBytes || records + nextRecords > SyncFormat.maxBatchRecords {
                let reach = isLast ? through : UInt64(run.lastSequence ?? 0)
                messages.append((RecordBatch(through: reach, runs: chunk).message(.records), records))
                chunk.removeAll(keepingCapacity: true)
                bytes = 0
                records = 0
            }
        }
        queued += messages.dropFirst()
        sent += messages[0].records
        return messages[0].message
    }

    /// `runs` with the withheld runs recorded between `after` and `through` for audits `wanted`
    /// accepts (and not this node's own) put among them by position: chain order, which a
    /// receiver needs to continue each chain.
    private func inOrder(_ runs: [SealedRun], withWithheldAfter after: Int64, through: Int64,
                         wanted: (String) -> Bool) throws -> [SealedRun] {
        let withheld = try desk.store.withheldRuns(after: after, through: through)
            .filter { $0.run.seal.node != node && wanted($0.run.seal.scope) }
        guard !withheld.isEmpty else { return runs }
        var positioned = runs.map { (position: $0.lastSequence ?? 0, run: $0) }
        positioned += withheld
        return positioned.sorted { $0.position < $1.position }.map(\.run)
    }


    /// Bytes of records per `records` message, about: a few hundred typical records.
    static let batchBytes = 16 << 10
    /// Messages cut from one read, waiting their turn.
    private var queued: [(message: WireMessage, records: Int)] = []
}
