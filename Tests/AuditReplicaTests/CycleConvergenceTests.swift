import AuditDomain
import CanonicalJSON
import Foundation
import MergeCore
import ReplicaStore
import TestSupport
import XCTest

@testable import AuditReplica

/// The merge contract across a certification cycle, by seeded simulation: auditors work on a
/// stage 1; mid-way the central plans the stage 2 (freezing stage 1 and carrying its open
/// findings), then changes the stage 2 team and lead, while laptops that have not heard yet keep
/// writing. Deliveries are partial, shuffled and duplicated. After healing, every replica prints
/// identical documents for both audits, no write is lost, and every carried finding is carried once.
final class CycleConvergenceTests: XCTestCase {
    private let stage1 = ReplicaFixture.auditID
    private let stage2 = "A-2026-0002"

    func testFollowUpAndTeamChangesConvergeOnEveryReplica() throws {
        let seeds: [UInt64] = (1...10).map { 0xC1C1_E000 + $0 }
        var carried = 0
        for seed in seeds { carried += try simulate(seed: seed) }
        XCTAssertGreaterThan(carried, seeds.count, "the simulation carried too few findings to prove anything")
    }

    /// One seeded run; returns how many findings the stage 2 carried.
    private func simulate(seed: UInt64) throws -> Int {
        var random = SplitMix64(seed: seed)
        let directory = try TemporaryDirectory()
        let clock = SimulatedClock()
        let count = 3 + Int(random.next() % 3)
        let names = (0..<count).map { "auditor\($0)" }
        let central = try ReplicaFixture.replica("central", in: directory.url, clock: clock)
        try central.createAudit(ReplicaFixture.plan(lead: names[0], auditors: Array(names.dropFirst())))
        let replicas = try names.map { name in
            try ReplicaFixture.replica(name, in: directory.url, clock: clock, skew: Int64(random.next() % 240_000) - 120_000)
        }
        for replica in replicas { try ReplicaFixture.exchange(central, replica) }

        var carried = 0
        for round in 0..<5 {
            if round == 2 {
                // The central hears from everyone, then plans stage 2 after stage 1.
                for replica in replicas { try ReplicaFixture.exchange(replica, central) }
                var plan = ReplicaFixture.plan(lead: names[1], auditors: names)
                plan.id = stage2
                plan.earlier = [stage1]
                try central.createAudit(plan)
                carried = try central.followUp(plan)
            }
            if round == 3 {
                // A team change: a new lead, one member fewer.
                let team = [names[2 % count]] + names.filter { $0 != names[2 % count] }.dropLast()
                try central.writePlan([
                    FieldWrite(AuditSchema.Entity.audit, stage2, AuditSchema.AuditField.lead, .text(team[0])),
                    FieldWrite(AuditSchema.Entity.audit, stage2, AuditSchema.AuditField.team, .text(team.joined(separator: "\n"))),
                ])
            }
            for replica in replicas {
                for _ in 0..<(5 + random.next() % 10) {
                    clock.advance(random.next() % 3)
                    // Later rounds work on stage 2 where the laptop has it; some writes still aim
                    // at stage 1, which a laptop refuses once it knows stage 1 is frozen.
                    let knowsStage2 = (try? replica.plan(of: stage2)) != nil
                    let audit = round >= 2 && knowsStage2 && random.next() % 4 != 0 ? stage2 : stage1
                    do {
                        try RandomAuditWork.operate(on: replica, audit: audit, directory: directory.url, random: &random)
                    } catch let error as DomainError {
                        switch error {
                        case .auditFrozen: XCTAssertEqual(audit, stage1, "seed \(seed)")
                        // A lead changed, or a plan only partly delivered (its standards not yet).
                        case .notLead, .itemNotInAudit: break
                        default: throw error
                        }
                    }
                }
            }
            for _ in 0..<count {
                let source = ([central] + replicas)[Int(random.next() % UInt64(count + 1))]
                let target = replicas[Int(random.next() % UInt64(count))]
                guard source !== target else { continue }
                try ReplicaFixture.deliverPartly(from: source, to: target, random: &random)
            }
        }

        try ReplicaFixture.heal(replicas + [central], random: &random)
        for audit in [stage1, stage2] {
            let expected = try central.document(audit: audit).encoded()
            for replica in replicas {
                XCTAssertEqual(try replica.document(audit: audit).encoded(), expected,
                               "seed \(seed): \(replica.actor)'s \(audit) differs from the central's")
            }
        }
        XCTAssertNotNil(try central.plan(of: stage1).frozen, "seed \(seed)")
        XCTAssertEqual(try central.plan(of: stage2).lead, names[2 % count], "seed \(seed)")
        // Carried members, present or since removed by the team.
        let origins = try central.store.fieldStates(entity: AuditSchema.Entity.finding, in: KeyScope(stage2))
            .filter { $0.id.field == AuditSchema.FindingField.carriedFrom }.compactMap(\.value.text)
        XCTAssertEqual(origins.count, Set(origins).count, "seed \(seed): a finding carried twice")
        XCTAssertEqual(origins.count, carried, "seed \(seed)")
        _ = try NoWriteLost.check(central, seed: seed, audits: [stage1, stage2])
        for replica in replicas + [central] { try ReplicaFixture.integrityCheck(replica) }
        return carried
    }
}
