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

    /// Where a node stands: its cursor read in the central's log now (moved back past a restore
    /// point), and how far the central holds the node's own records.
    func resume(_ request: ResumeRequest, from node: NodeID) throws -> ResumeAnswer {
        let lineage = try central.logLineage()
        var (cursor, movedBack) = lineage.translate(log: request.log, cursor: request.cursor)
        // A cursor past the end of the very log it names cannot be (a data directory put back by
        // hand, not by `central restore`): read as the end, and reconciled like a restore.
        let end = UInt64(try store.lastSequence())
        if cursor > end { (cursor, movedBack) = (end, true) }
        return ResumeAnswer(log: lineage.current, cursor: cursor, pushedThrough: try central.pushedThrough(node: node.hex),
                            restored: movedBack)
    }

    /// Checks every record of a push against the policy, applies the rest in one transaction,
    /// and says which were refused and why. The node's push position is noted in the same
    /// transaction, unless a record is to be sent again (its clock ran ahead, or what it
    /// overwrote has not reached the central yet). Storage failures throw (the connection
    /// closes and the node pushes again: applying is idempotent).
    func push(_ batch: RecordBatch, from node: NodeID, auditor: String) throws -> PushAnswer {
        let policy = policy(for: node, auditor: auditor, plan: plans(), decided: decisions())
        return try apply(batch) { policy.refusal(of: $0, in: $1) } alsoInTransaction: { [central] refusals in
            if !refusals.contains(where: \.retryLater) { try central.notePushed(node: node.hex, through: batch.through) }
        }
    }

    /// Records of other nodes a laptop gives back to a central restored from a backup: each is
    /// checked as if its origin node had pushed it (an enrolled node, its auditor on the team,
    /// the same plan rules, its author that auditor). The central's own records are not taken
    /// back from a laptop.
    func relay(_ batch: RecordBatch, from node: NodeID) throws -> PushAnswer {
        let plan = plans()
        let decided = decisions()
        var policies: [NodeID: RecordPolicy?] = [:]
        let directory = try central.nodes()
        return try apply(batch) { [central] record, change in
            let origin = record.timestamp.node
            if origin == central.node { return "the central's own records are not taken back from a laptop" }
            if origin == node { return "a laptop's own records go up in `push`, not `relay`" }
            let policy = policies[origin] ?? directory.first { $0.id == origin.hex }.map {
                self.policy(for: origin, auditor: $0.auditor, plan: plan, decided: decided)
            }
            policies[origin] = policy
            guard let policy else { return "node \(origin.hex) is not enrolled at this central" }
            return policy.refusal(of: record, in: change)
        } alsoInTransaction: { _ in }
    }

    private func policy(for node: NodeID, auditor: String, plan: @escaping (String) -> AuditPlan?,
                        decided: @escaping (String) -> String?) -> RecordPolicy {
        RecordPolicy(node: node, auditor: auditor, plan: plan, decided: decided,
                     recorded: { [store] field, stamp in (try? store.record(field, stamp))?.value }, central: central.node)
    }

    /// The plans of the audits records name, read once per batch.
    private func plans() -> (String) -> AuditPlan? {
        var plans: [String: AuditPlan?] = [:]
        return { [central] audit in
            if let known = plans[audit] { return known }
            let plan = try? central.replica.plan(of: audit)
            plans[audit] = plan
            return plan
        }
    }

    /// Each audit's decision in words, read once per batch; nil while it is not decided.
    private func decisions() -> (String) -> String? {
        var known: [String: String?] = [:]
        return { [central] audit in
            if let words = known[audit] { return words }
            let words = (try? central.decisions(audit: audit).first).flatMap { $0 }.map {
                "\($0.granted ? "granted" : "refused") by \($0.reviewer) at \($0.decidedAt)"
            }
            known[audit] = words
            return words
        }
    }

    /// Decodes the batch, judges it change by change (`BatchReview`), and applies what passed.
    private func apply(_ batch: RecordBatch, refusal judge: (MergeRecord, Change) -> RecordRefusal?,
                       alsoInTransaction more: ([PushAnswer.Refusal]) throws -> Void) throws -> PushAnswer {
        var refusals: [PushAnswer.Refusal] = []
        var decoded: [(index: Int, record: MergeRecord)] = []
        for (index, bytes) in batch.records.enumerated() {
            do {
                decoded.append((index, try MergeRecord(decoding: bytes)))
            } catch {
                refusals.append(.init(index: UInt32(index), reason: "not a valid record: \(error)"))
            }
        }
        let judged = BatchReview.refusals(of: decoded.map(\.record), judge: judge)
        var accepted: [(index: Int, record: MergeRecord)] = []
        for (position, entry) in decoded.enumerated() {
            if let refusal = judged[position] {
                refusals.append(.init(index: UInt32(entry.index), reason: refusal.reason, retryLater: refusal.retryLater))
            } else {
                accepted.append(entry)
            }
        }
        var rejected = 0
        try store.apply(accepted.map(\.record)) { report in
            for rejection in report.rejected {
                guard let entry = accepted.first(where: { $0.record == rejection.record }) else { continue }
                refusals.append(.init(index: UInt32(entry.index), reason: rejection.reason, retryLater: rejection.retryLater))
            }
            rejected = report.rejected.count
            try more(refusals)
        }
        refusals.sort { $0.index < $1.index }
        return PushAnswer(through: batch.through, accepted: UInt32(accepted.count - rejected), refusals: refusals)
    }

    /// The audits `auditor` is on the team of, and the earlier audits of their certifications
    /// (read-only, SPEC §2.1): all a node of theirs may pull.
    func visibleAudits(of auditor: String) throws -> Set<String> {
        Set(try central.replica.audits().filter { $0.team.contains(auditor) }.flatMap { [$0.id] + $0.earlier })
    }
}
