import Foundation
import HexEncoding
import MergeCore
import ReplicaStore
import WireProtocol

/// The first step of a sync: the laptop names the central log its cursor counts in, and the
/// central says where that cursor stands in its log now. When a restore moved it back, this
/// laptop may hold records the restored central lost — its own, which the push sends again from
/// the central's own note of how far it holds them, and other nodes' records it received past
/// the restore point, which it gives back (`relay`). Nothing else is sent twice.
extension FieldNode {
    func resume(on channel: BlockingChannel, into summary: inout SyncSummary) throws -> ResumeAnswer {
        let log = try config(Self.pulledLogKey).flatMap { UInt64($0, radix: 16) } ?? 0
        let cursor = UInt64(try config(Self.pulledKey).flatMap(UInt64.init) ?? 0)
        guard let recordKey = store.recordSigningKey?.publicKey else { throw FieldError.unexpectedAnswer("no record key on this laptop") }
        try channel.send(ResumeRequest(log: log, cursor: cursor, recordKey: recordKey).message)
        let answer = try ResumeAnswer(payload: try expect(.resumed, from: channel, step: "resume").payload)
        guard answer.cursor <= cursor else { throw FieldError.unexpectedAnswer("a cursor ahead of this laptop's") }
        try reconcile(to: answer, from: cursor)
        if answer.restored {
            // Until the pull reads the restored central's list: it may lack audits held here.
            try setConfig(Self.restoreSeenKey, "1")
            summary.reconciled = "the central was restored from a backup since this laptop's last sync: "
                + "its log is read from position \(answer.cursor) (was \(cursor)), and what it lost goes up again"
        }
        return answer
    }

    /// Keeps the central's reading of the cursor, in one transaction: positions past it belong
    /// to a log that is gone, so the catch-up progress and the pull marks are cut to it, and the
    /// records received since the last mark within it become the ones to give back.
    private func reconcile(to answer: ResumeAnswer, from cursor: UInt64) throws {
        try database.transaction {
            try setConfig(Self.pulledLogKey, Hex.encode(answer.log))
            guard answer.cursor < cursor else { return }
            try setConfig(Self.pulledKey, String(answer.cursor))
            var progress = try catchUpProgress()
            for (audit, through) in progress { progress[audit] = min(through, answer.cursor) }
            try saveCatchUpProgress(progress)
            let from = try pullMarks.localPosition(atCursor: answer.cursor)
            try pullMarks.forget(after: answer.cursor)
            // A relay already pending from an earlier restore starts where it stood.
            let pendingFrom = try config(Self.relayFromKey).flatMap(Int64.init)
            try setConfig(Self.relayFromKey, String(min(pendingFrom ?? from, from)))
            try setConfig(Self.relayToKey, String(try store.lastSequence()))
        }
    }

    // MARK: Catch-up progress

    /// Audits whose catch-up was cut, and the central log position each is held to.
    func catchUpProgress() throws -> [String: UInt64] {
        var progress: [String: UInt64] = [:]
        for line in (try config(Self.catchingUpKey) ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let through = UInt64(parts[1]) { progress[String(parts[0])] = through }
        }
        return progress
    }

    func saveCatchUpProgress(_ progress: [String: UInt64]) throws {
        try setConfig(Self.catchingUpKey, progress.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n"))
    }

    var pullMarks: PullMarks { PullMarks(database: database) }
}
