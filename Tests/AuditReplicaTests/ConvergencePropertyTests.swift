import AuditDomain
import CanonicalJSON
import Foundation
import MergeCore
import ReplicaStore
import TestSupport
import XCTest

@testable import AuditReplica

/// The merge contract, checked by simulation: replicas make random audit changes offline —
/// concurrent edits of the same fields, removals, finding life cycles — then exchange random
/// subsets of their records in random order with duplicates, then everything. Every seed must
/// end with byte-identical documents, no write lost, and re-application changing nothing.
final class ConvergencePropertyTests: XCTestCase {
    func testRandomConcurrentWorkConvergesWithoutLosingAWrite() throws {
        let seeds: [UInt64] = (1...12).map { 0xA0D1_7000 + $0 }
        var conflictsSeen = 0
        for seed in seeds {
            conflictsSeen += try simulate(seed: seed)
        }
        // The property is only as strong as the collisions it provokes.
        XCTAssertGreaterThan(conflictsSeen, seeds.count, "the simulation produced too few conflicts to prove anything")
    }

    /// Runs one seeded simulation; returns how many fields ended with conflicts listed.
    private func simulate(seed: UInt64) throws -> Int {
        var random = SplitMix64(seed: seed)
        let directory = try TemporaryDirectory()
        let clock = SimulatedClock()
        let replicaCount = 3 + Int(random.next() % 3)
        let names = (0..<replicaCount).map { "auditor\($0)" }
        let central = try ReplicaFixture.replica("central", in: directory.url, clock: clock)
        try central.createAudit(ReplicaFixture.plan(lead: names[0], auditors: Array(names.dropFirst())))
        // Clocks disagree by up to two minutes, well inside the allowed skew.
        let replicas = try names.map { name in
            try ReplicaFixture.replica(name, in: directory.url, clock: clock, skew: Int64(random.next() % 240_000) - 120_000)
        }
        for replica in replicas { try ReplicaFixture.exchange(central, replica) }
        let audit = ReplicaFixture.auditID

        for _ in 0..<4 {
            for replica in replicas {
                for _ in 0..<(5 + random.next() % 10) {
                    clock.advance(random.next() % 3)
                    try RandomAuditWork.operate(on: replica, audit: audit, directory: directory.url, random: &random)
                }
            }
            // Partial, shuffled, duplicated deliveries between random pairs.
            for _ in 0..<replicaCount {
                let source = replicas[Int(random.next() % UInt64(replicaCount))]
                let target = replicas[Int(random.next() % UInt64(replicaCount))]
                guard source !== target else { continue }
                try ReplicaFixture.deliverPartly(from: source, to: target, random: &random)
            }
        }

        // Everything, everywhere, in random order.
        try ReplicaFixture.heal(replicas + [central], random: &random)

        let expected = try central.document(audit: audit).encoded()
        XCTAssertEqual(expected, try central.legacyDocument(audit: audit).encoded(),
                       "seed \(seed): the typed document prints other bytes than the string-keyed one did")
        for replica in replicas {
            let document = try replica.document(audit: audit).encoded()
            XCTAssertEqual(document, expected, "seed \(seed): \(replica.actor)'s document differs from the central's")
            XCTAssertEqual(try replica.store.recordCount(), try central.store.recordCount(), "seed \(seed): record counts differ")
        }
        let conflicted = try NoWriteLost.check(central, seed: seed)

        // Re-applying everything changes nothing.
        let all = try ReplicaFixture.records(of: central)
        let report = try replicas[0].store.apply(all.shuffled(using: &random))
        XCTAssertEqual(report.applied, 0, "seed \(seed)")
        XCTAssertEqual(report.duplicates, all.count, "seed \(seed)")
        XCTAssertEqual(try replicas[0].document(audit: audit).encoded(), expected, "seed \(seed): re-application changed the document")
        for replica in replicas + [central] { try ReplicaFixture.integrityCheck(replica) }
        return conflicted
    }
}
