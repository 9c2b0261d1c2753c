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
    /// Items the simulated auditors crowd onto, so that their edits collide.
    private let hotItems = ["iso42001:2023/4.1", "iso42001:2023/6.1.2", "iso42001:2023/A.6.2.4", "iso42001:2023/8.2"]

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
                    try randomOperation(on: replica, audit: audit, directory: directory.url, random: &random)
                }
            }
            // Partial, shuffled, duplicated deliveries between random pairs.
            for _ in 0..<replicaCount {
                let source = replicas[Int(random.next() % UInt64(replicaCount))]
                let target = replicas[Int(random.next() % UInt64(replicaCount))]
                guard source !== target else { continue }
                var records = try ReplicaFixture.records(of: source).filter { _ in random.next() % 2 == 0 }
                records += records.prefix(Int(random.next() % 5))
                records.shuffle(using: &random)
                try ReplicaFixture.deliver(records, from: source, to: target)
            }
        }

        // Everything, everywhere, in random order.
        for _ in 0..<2 {
            for source in replicas + [central] {
                for target in replicas + [central] where source !== target {
                    var records = try ReplicaFixture.records(of: source)
                    records.shuffle(using: &random)
                    try ReplicaFixture.deliver(records, from: source, to: target)
                }
            }
        }

        let expected = try central.document(audit: audit).encoded()
        XCTAssertEqual(expected, try central.legacyDocument(audit: audit).encoded(),
                       "seed \(seed): the typed document prints other bytes than the string-keyed one did")
        for replica in replicas {
            let document = try replica.document(audit: audit).encoded()
            XCTAssertEqual(document, expected, "seed \(seed): \(replica.actor)'s document differs from the central's")
            XCTAssertEqual(try replica.store.recordCount(), try central.store.recordCount(), "seed \(seed): record counts differ")
        }
        let conflicted = try assertNoWriteLost(in: central, seed: seed)

        // Re-applying everything changes nothing.
        let all = try ReplicaFixture.records(of: central)
        let report = try replicas[0].store.apply(all.shuffled(using: &random))
        XCTAssertEqual(report.applied, 0, "seed \(seed)")
        XCTAssertEqual(report.duplicates, all.count, "seed \(seed)")
        XCTAssertEqual(try replicas[0].document(audit: audit).encoded(), expected, "seed \(seed): re-application changed the document")
        for replica in replicas + [central] { try ReplicaFixture.integrityCheck(replica) }
        return conflicted
    }

    /// Every record is the winner of its field, a listed conflict, or superseded by a later
    /// record whose writer had seen it — checked against the whole-history reference model.
    private func assertNoWriteLost(in replica: AuditReplica, seed: UInt64) throws -> Int {
        let records = try ReplicaFixture.records(of: replica)
        let conflicts = try replica.store.conflicts(in: KeyScope(ReplicaFixture.auditID))
        let listed = Dictionary(uniqueKeysWithValues: conflicts.map { ($0.winner.fieldID, Set($0.losers.map(\.timestamp))) })
        for field in Set(records.map(\.fieldID)) {
            let reference = FieldRegister(try replica.store.history(of: field))
            let state = try XCTUnwrap(replica.store.fieldState(field), "seed \(seed): \(field) has no state")
            XCTAssertEqual(state.timestamp, reference.winner?.timestamp, "seed \(seed): \(field) winner")
            XCTAssertEqual(state.value, reference.winner?.value, "seed \(seed): \(field) value")
            XCTAssertEqual(listed[field] ?? [], Set(reference.conflicts.map(\.timestamp)), "seed \(seed): \(field) conflicts")
            for record in reference.records.values {
                let isWinner = record.timestamp == state.timestamp
                let isConflict = listed[field]?.contains(record.timestamp) ?? false
                let superseder = reference.supersedingRecord(of: record.timestamp)
                XCTAssertTrue(isWinner || isConflict || superseder.map { $0.timestamp > record.timestamp } == true,
                              "seed \(seed): \(field) lost the write \(record.timestamp)")
            }
        }
        return listed.count
    }

    private func randomOperation(on replica: AuditReplica, audit: String, directory: URL,
                                 random: inout SplitMix64) throws {
        let findings = try knownFindings(replica, audit: audit)
        switch random.next() % 10 {
        case 0, 1, 2, 3:
            var item = hotItems[Int(random.next() % UInt64(hotItems.count))]
            let result = ChecklistResult.allCases[Int(random.next() % 4)]
            // Only an excludable item takes not-applicable (the others are refused at entry).
            if result == .notApplicable { item = "iso42001:2023/A.6.2.4" }
            let note = result == .notApplicable || random.next() % 2 == 0 ? "note \(random.next() % 100)" : nil
            try replica.recordResult(audit: audit, item: item, result: result, note: note)
        case 4:
            let item = hotItems[Int(random.next() % UInt64(hotItems.count))]
            try replica.addFinding(audit: audit, item: item, grade: FindingGrade.allCases[Int(random.next() % 4)],
                                   statement: "statement \(random.next() % 1000)")
        case 5, 6:
            guard let (finding, status) = findings.randomElement(using: &random) else { return }
            var update = FindingUpdate()
            if random.next() % 2 == 0, let next = status.next {
                update.status = next
                update.note = "step to \(next.rawValue)"
            } else {
                update.statement = "restated \(random.next() % 1000)"
            }
            try replica.updateFinding(finding, update)
        case 7:
            guard let (finding, _) = findings.randomElement(using: &random) else { return }
            try replica.removeFinding(finding)
        case 8:
            let file = directory.appendingPathComponent("evidence-\(random.next() % 4).txt")
            try Data("evidence \(file.lastPathComponent)\n".utf8).write(to: file)
            try replica.addEvidence(audit: audit, finding: findings.randomElement(using: &random)?.0, file: file)
        default:
            if try replica.plan(of: audit).lead == replica.actor {
                try replica.recommend(audit: audit, random.next() % 2 == 0 ? .grant : .refuse, note: "round")
            } else {
                try replica.addNote(audit: audit, item: hotItems.first, text: "note \(random.next() % 100)")
            }
        }
    }

    private func knownFindings(_ replica: AuditReplica, audit: String) throws -> [(String, FindingStatus)] {
        let findings = try replica.document(audit: audit)["findings"]?.elements ?? []
        return findings.compactMap { finding in
            guard case .string(let id) = finding["id"], case .string(let status) = finding["status"],
                  let parsed = FindingStatus(rawValue: status) else { return nil }
            return (id, parsed)
        }.sorted { $0.0 < $1.0 }
    }
}
