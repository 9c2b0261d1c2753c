import MergeCore
import RecordSeals

/// What applying sealed runs did.
public struct SealedApplyReport: Equatable, Sendable {
    /// The records applied, as `apply` reports them.
    public var records = ApplyReport()
    /// Runs this replica already held: nothing changed.
    public var duplicateRuns = 0
    /// Runs not taken, each with the reason naming its node; nothing of them was applied.
    public var rejected: [RunRejection] = []

    public init() {}
}

extension ReplicaStore {
    /// Verifies and applies sealed runs from anywhere, in one transaction (SPEC §3: a replica
    /// verifies what it receives before applying it). Each run must continue its node's chain
    /// exactly, hash to its seal and carry a signature by the key `publicKey` gives for its node;
    /// its records must be well formed and within the clock skew. A run that fails is refused
    /// whole and named; so is every later run of the same chain in the batch (they cannot
    /// continue a chain that stopped). A run held already is a duplicate. `accept` may refuse a
    /// run for reasons of its own (the central's record rules) before anything is checked.
    @discardableResult
    public func applySealed(_ runs: [SealedRun], publicKey: (NodeID) -> [UInt8]?,
                            accept: (SealedRun) -> (reason: String, retryLater: Bool)? = { _ in nil },
                            alsoInTransaction more: (SealedApplyReport) throws -> Void = { _ in }) throws -> SealedApplyReport {
        try storageTransaction {
            var report = SealedApplyReport()
            var stopped: [String: String] = [:]   // chain → why it stopped in this batch
            let wallClock = now()
            for run in runs {
                let seal = run.seal
                let chainKey = "\(seal.node.rawValue)/\(seal.scope)"
                let held = try heldSeal(node: seal.node, scope: seal.scope, first: seal.first)
                if let held, held.seal == seal {
                    if let reason = held.withheld {
                        // Sent again: still refused, for the reason it was the first time.
                        report.rejected.append(.init(seal: seal, reason: reason))
                    } else {
                        report.duplicateRuns += 1
                        report.records.duplicates += run.records.count
                    }
                    continue
                }
                let verdict = accept(run)
                if held != nil, verdict == nil {
                    report.rejected.append(.init(seal: seal, reason: "node \(seal.node.hex) signed other records \(seal.first)–\(seal.last) "
                        + "in \(seal.scope) than the ones held here (two histories of one chain)"))
                    continue
                }
                if let why = stopped[chainKey] {
                    report.rejected.append(.init(seal: seal, reason: verdict?.reason ?? "an earlier run of node \(seal.node.hex) in \(seal.scope) was not taken (\(why))",
                                                 retryLater: why.hasPrefix("later: ")))
                    continue
                }
                func refuse(_ reason: String, retryLater: Bool = false) {
                    report.rejected.append(.init(seal: seal, reason: reason, retryLater: retryLater))
                    stopped[chainKey] = (retryLater ? "later: " : "") + reason
                }
                guard let key = publicKey(seal.node) else {
                    refuse(verdict?.reason ?? "node \(seal.node.hex) has no registered record key here; its records cannot be verified")
                    continue
                }
                guard run.records.allSatisfy({ $0.origin == seal.node && KeyScope.scope(ofKey: $0.key) == seal.scope }) else {
                    refuse(verdict?.reason ?? "a run sealed by node \(seal.node.hex) for \(seal.scope) holds records of another node or audit")
                    continue
                }
                let chain = try self.chain(node: seal.node, scope: seal.scope)
                if run.withheld != nil || verdict.map({ !$0.retryLater }) == true {
                    // Withheld: a run another replica refused, or one refused here for good. The
                    // writer's signature proves the step, so the chain goes on past it; the
                    // records stay away, and a refusal here says why.
                    do {
                        guard seal.first == chain.count + 1, seal.previous == chain.head else {
                            throw SealError("a withheld run of node \(seal.node.hex) in \(seal.scope) does not continue its chain")
                        }
                        if run.withheld == nil {
                            _ = try seal.verify(records: run.records.map { $0.encoded() }, continuing: chain, publicKey: key)
                        } else if !seal.verifiesSignature(publicKey: key) {
                            throw SealError("the signature on node \(seal.node.hex)'s withheld run does not verify")
                        }
                    } catch {
                        refuse(verdict?.reason ?? "\(error)")
                        continue
                    }
                    let reason = verdict?.reason ?? run.withheld!
                    try storeSeal(seal, from: nil, through: nextSequence - 1, withheld: reason)
                    try saveChain(RecordChain(node: seal.node, scope: seal.scope, count: seal.last, head: seal.head))
                    if verdict != nil { report.rejected.append(.init(seal: seal, reason: reason)) }
                    continue
                }
                if let verdict {
                    refuse(verdict.reason, retryLater: verdict.retryLater)
                    continue
                }
                let next: RecordChain
                if verifiesSeals {
                    do {
                        next = try seal.verify(records: run.records.map { $0.encoded() }, continuing: chain, publicKey: key)
                    } catch {
                        refuse("\(error)")
                        continue
                    }
                } else {
                    // Only the benchmark's baseline: the seal taken on trust.
                    next = RecordChain(node: seal.node, scope: seal.scope, count: seal.last, head: seal.head)
                }
                do {
                    for record in run.records {
                        try record.validate()
                        try HybridLogicalClock.checkSkew(record.timestamp, now: wallClock, maxSkewMilliseconds: clock.maxSkewMilliseconds)
                    }
                } catch {
                    refuse("\(error)", retryLater: error is ClockSkewError)
                    continue
                }
                let from = nextSequence
                for record in run.records {
                    try observe(record.timestamp)
                    try applyValidated(record, report: &report.records)
                }
                try storeSeal(seal, from: from, through: nextSequence - 1)
                try saveChain(next)
            }
            try persistClock()
            try more(report)
            return report
        }
    }

    /// The seal held for `node`'s run starting at `first` in `scope`, if any.
    func heldSeal(node: NodeID, scope: String, first: UInt64) throws -> (seal: Seal, withheld: String?)? {
        let query = try cachedStatement("SELECT seal, withheld FROM seals WHERE node = ?1 AND scope = ?2 AND first = ?3")
        query.bind(1, Int64(bitPattern: node.rawValue))
        query.bind(2, scope)
        query.bind(3, Int64(first))
        defer { query.reset() }
        guard try query.step() else { return nil }
        return (try Seal(decoding: query.blob(0)), query.optionalText(1))
    }
}
