import Foundation
import MergeCore
import RecordSeals
import ReplicaStore
import WireProtocol

/// Sending work up: this laptop's own records (`push`), and other nodes' records a restored
/// central lost (`relay`).
extension FieldNode {
    /// Sends this node's records after its push position, in batches, each answered before the
    /// next. The central notes how far it holds them in the same transaction as the records; if
    /// that note is behind what it once acknowledged to this laptop, it lost them (a restore),
    /// and the push starts again from its note.
    func push(on channel: BlockingChannel, from held: UInt64?, into summary: inout SyncSummary,
              progress: (String) -> Void) throws {
        var through = try pushStart(centralHolds: held)
        if try skipReceivedRecords(from: through) { return }
        while true {
            let page = try store.records(after: through, limit: PushLimits.batch)
            guard let pageEnd = page.last?.sequence else { break }
            let own = page.filter { $0.record.timestamp.node == node }
            // Whole sealed runs: a run the page cut is completed from the log.
            let sealed = try store.sealedRuns(own)
            // A record altered on this disk after it was written does not leave: the central
            // would take it as this auditor's work (SPEC §3). Nothing is sent; nothing is lost.
            let altered = store.alteredRecords(in: sealed.runs)
            if !altered.isEmpty { throw FieldError.alteredRecords(altered) }
            let last = max(pageEnd, sealed.through ?? pageEnd)
            if !sealed.runs.isEmpty {
                let runs = sealed.runs
                // Noted before it leaves: from here on the central may hold these records.
                try noteSent(through: last)
                try channel.send(RecordBatch(through: UInt64(last), runs: runs.map { run in
                    RunPayload(seal: run.seal.encoded(), records: run.records.map { $0.encoded() })
                }).message(.push))
                let answer = try PushAnswer(payload: try expect(.pushed, from: channel, step: "push").payload)
                guard answer.through == UInt64(last) else {
                    throw FieldError.unexpectedAnswer("an acknowledgement for another batch")
                }
                summary.sent += Int(answer.accepted)
                let positions = runs.map(\.sequences)
                let postponed = answer.refusals.filter(\.retryLater).flatMap { Int($0.index) < runs.count ? positions[Int($0.index)] : [] }
                try notePostponed(postponed, among: positions.flatMap { $0 })
                if !answer.refusals.contains(where: \.retryLater) { try setConfig(Self.ackedKey, String(answer.through)) }
                var retryFrom: Int64?
                for refusal in answer.refusals where Int(refusal.index) < runs.count {
                    // A run is one change, refused or postponed whole: each of its records is listed.
                    let run = runs[Int(refusal.index)]
                    let lines = run.records.map { "\($0.key) \($0.field): \(refusal.reason)" }
                    if refusal.retryLater {
                        retryFrom = min(retryFrom ?? positions[Int(refusal.index)].min()!, positions[Int(refusal.index)].min()!)
                        summary.postponed += lines
                    } else {
                        summary.refused += lines
                    }
                }
                progress("sent \(summary.sent) records")
                // A record the central will take later (its clock was ahead) keeps the push
                // position before it: the next sync sends it again, with what follows.
                if let retryFrom {
                    try setConfig(Self.pushedKey, String(retryFrom - 1))
                    return
                }
            }
            through = last
            try setConfig(Self.pushedKey, String(through))
        }
    }

    /// Where the push starts: this laptop's own position, unless the central holds less than it
    /// once acknowledged (its note is behind, or gone), which only a restore does.
    func pushStart(centralHolds held: UInt64?) throws -> Int64 {
        let local = Int64(try config(Self.pushedKey).flatMap(Int64.init) ?? 0)
        guard let acked = try config(Self.ackedKey).flatMap(Int64.init) else { return local }
        guard let held else { return 0 }
        return Int64(held) < acked ? min(Int64(held), local) : local
    }

    static let ackedKey = "sync.acknowledged_through"
    static let sentKey = "sync.sent_through"

    /// The furthest log position a push ever sent: records past it never left this laptop.
    func noteSent(through sequence: Int64) throws {
        let sent = try config(Self.sentKey).flatMap(Int64.init) ?? 0
        if sequence > sent { try setConfig(Self.sentKey, String(sequence)) }
    }

    /// Keeps which of a batch's records the central took only for later: the rest it took (or
    /// refused for good), so they leave the list.
    func notePostponed(_ postponed: [Int64], among batch: [Int64]) throws {
        try database.transaction {
            let delete = try database.prepare("DELETE FROM postponed_records WHERE seq = ?1")
            for sequence in batch {
                delete.bind(1, sequence)
                try delete.run()
            }
            let insert = try database.prepare("INSERT OR IGNORE INTO postponed_records(seq) VALUES (?1)")
            for sequence in postponed {
                insert.bind(1, sequence)
                try insert.run()
            }
        }
    }

    /// When none of this node's own records lies past `through`, moves the push position to the
    /// log's end without reading what lies between (records received from the central), so an
    /// incremental sync costs what changed, not the replica's size. The end is read before the
    /// last own position: a local write landing between the two reads is past that end.
    @discardableResult
    func skipReceivedRecords(from through: Int64) throws -> Bool {
        let end = try store.lastSequence()
        guard try store.lastLocalSequence() <= through else { return false }
        if end > through { try setConfig(Self.pushedKey, String(end)) }
        return true
    }

    /// Gives back to a restored central the other nodes' records this laptop received after the
    /// restore point (the range `resume` noted). The central checks each as if its origin node
    /// pushed it; what it already holds changes nothing. Resumable: the range shrinks as each
    /// batch is answered.
    func relay(on channel: BlockingChannel, into summary: inout SyncSummary, progress: (String) -> Void) throws {
        guard var from = try config(Self.relayFromKey).flatMap(Int64.init),
              let to = try config(Self.relayToKey).flatMap(Int64.init) else { return }
        while from < to {
            let page = try store.records(after: from, limit: PushLimits.batch).filter { $0.sequence <= to }
            guard let pageEnd = page.last?.sequence else { break }
            let sealed = try store.sealedRuns(page.filter { $0.record.timestamp.node != node })
            let last = max(pageEnd, sealed.through ?? pageEnd)
            if !sealed.runs.isEmpty {
                let runs = sealed.runs
                try channel.send(RecordBatch(through: UInt64(last), runs: runs.map { run in
                    RunPayload(seal: run.seal.encoded(), records: run.records.map { $0.encoded() })
                }).message(.relay))
                let answer = try PushAnswer(payload: try expect(.pushed, from: channel, step: "relay").payload)
                guard answer.through == UInt64(last) else {
                    throw FieldError.unexpectedAnswer("an acknowledgement for another batch")
                }
                summary.relayed += Int(answer.accepted)
                for refusal in answer.refusals where Int(refusal.index) < runs.count {
                    let seal = runs[Int(refusal.index)].seal
                    summary.refused.append("relayed records \(seal.first)–\(seal.last) of node \(seal.node.hex) in \(seal.scope): \(refusal.reason)")
                }
                progress("gave back \(summary.relayed) records of other nodes")
            }
            from = last
            try setConfig(Self.relayFromKey, String(from))
        }
        try database.transaction {
            try settings.remove(Self.relayFromKey)
            try settings.remove(Self.relayToKey)
        }
    }

    private enum PushLimits {
        static let batch = 1024
    }
}
