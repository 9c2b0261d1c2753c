import AuditReplica
import Foundation
import MergeCore
import RecordSeals
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

    /// Verifies and applies the batch's sealed runs in one transaction (`applySealed`): a run is
    /// taken whole or refused whole — its seal must verify with its node's registered record key,
    /// and the rules judge its records change by change across the batch (`BatchReview`).
    /// Refusals name the run by its index in the batch.
    private func apply(_ batch: RecordBatch, refusal judge: (MergeRecord, Change) -> RecordRefusal?,
                       alsoInTransaction more: ([PushAnswer.Refusal]) throws -> Void) throws -> PushAnswer {
        var refusals: [PushAnswer.Refusal] = []
        var runs: [SealedRun] = []
        var indexes: [Int] = []
        for (index, payload) in batch.runs.enumerated() {
            do {
                let seal = try Seal(decoding: payload.seal)
                let records = try payload.records.map { try MergeRecord(decoding: $0) }
                guard payload.withheld == nil else {
                    refusals.append(.init(index: UInt32(index), reason: "a laptop sends its records; it withholds none"))
                    continue
                }
                runs.append(SealedRun(seal: seal, records: records))
                indexes.append(index)
            } catch {
                refusals.append(.init(index: UInt32(index), reason: "not a valid sealed run: \(error)"))
            }
        }
        // The rules, on every record of the batch in order; a run takes its first record's refusal.
        let judged = BatchReview.refusals(of: runs.flatMap(\.records), judge: judge)
        var verdicts: [String: RecordRefusal] = [:]
        var offset = 0
        for run in runs {
            if let first = (offset..<offset + run.records.count).lazy.compactMap({ judged[$0] }).first { verdicts[Self.name(run.seal)] = first }
            offset += run.records.count
        }
        var keys: [NodeID: [UInt8]?] = [:]
        var accepted = 0
        let central = central
        try store.applySealed(runs, publicKey: { node in
            if let known = keys[node] { return known }
            let key = try? central.recordKey(of: node)
            keys[node] = key
            return key ?? nil
        }, accept: { run in
            verdicts[Self.name(run.seal)].map { ($0.reason, $0.retryLater) }
        }, alsoInTransaction: { report in
            for rejection in report.rejected {
                guard let position = runs.firstIndex(where: { $0.seal == rejection.seal }) else { continue }
                refusals.append(.init(index: UInt32(indexes[position]), reason: rejection.reason, retryLater: rejection.retryLater))
            }
            accepted = report.records.applied + report.records.duplicates
            try more(refusals)
        })
        refusals.sort { $0.index < $1.index }
        return PushAnswer(through: batch.through, accepted: UInt32(accepted), refusals: refusals)
    }

    private static func name(_ seal: Seal) -> String { "\(seal.node.rawValue)/\(seal.scope)/\(seal.first)" }

    /// The audits `auditor` is on the team of, and the earlier audits of their certifications
    /// (read-only, SPEC §2.1): all a node of theirs may pull.
    func visibleAudits(of auditor: String) throws -> Set<String> {
        Set(try central.replica.audits().filter { $0.team.contains(auditor) }.flatMap { [$0.id] + $0.earlier })
    }
}
