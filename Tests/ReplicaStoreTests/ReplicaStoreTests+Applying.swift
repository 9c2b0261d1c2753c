import Foundation
import XCTest
import MergeCore
import SQLiteKit
@testable import ReplicaStore
import TestSupport

/// Applying batches of records from other nodes: a batch applied twice changes nothing, any order
/// with any duplicates gives identical replicas, and an invalid record is rejected alone.
extension ReplicaStoreTests {
    // MARK: Applying

    func testApplyingABatchTwiceChangesNothingTheSecondTime() throws {
        let seed: UInt64 = 0x1DE0_0001
        var simulation = Simulation(seed: seed, nodes: 3, now: base)
        simulation.run(steps: 120)
        let records = simulation.records
        let store = try makeStore(clock: FakeClock(simulation.now + 1_000))
        let first = try store.apply(records)
        XCTAssertEqual(first.applied, records.count, "seed \(seed)")
        XCTAssertEqual(first.duplicates, 0, "seed \(seed)")
        let before = try snapshot(store)
        let sequence = try store.lastSequence()

        let second = try store.apply(records)
        XCTAssertEqual(second.applied, 0, "seed \(seed)")
        XCTAssertEqual(second.duplicates, records.count, "seed \(seed)")
        XCTAssertEqual(second.conflicts, 0, "seed \(seed)")
        XCTAssertEqual(second.rejected, [], "seed \(seed)")
        XCTAssertEqual(try snapshot(store), before, "seed \(seed)")
        XCTAssertEqual(try store.recordCount(), records.count, "seed \(seed)")
        XCTAssertEqual(try store.lastSequence(), sequence, "seed \(seed)")

        // Duplicates within one batch count once.
        let third = try store.apply(records.prefix(3) + records.prefix(3))
        XCTAssertEqual(third.duplicates, 6, "seed \(seed)")
        let fresh = try makeStore(clock: FakeClock(simulation.now + 1_000))
        let doubled = try fresh.apply(records.prefix(3) + records.prefix(3))
        XCTAssertEqual(doubled.applied, 3, "seed \(seed)")
        XCTAssertEqual(doubled.duplicates, 3, "seed \(seed)")
        try integrityCheck(store)
    }

    func testRecordsInAnyOrderWithDuplicatesGiveIdenticalReplicas() throws {
        var conflictedFields = 0
        for caseIndex in 0..<12 {
            let seed = 0x0DE2_5000 + UInt64(caseIndex)
            var simulation = Simulation(seed: seed, nodes: 2 + caseIndex % 3, now: base)
            simulation.run(steps: 150)
            let records = simulation.records
            var random = SplitMix64(seed: seed ^ 0xFEED)
            var snapshots: [Snapshot] = []
            for replica in 0..<4 {
                let store = try makeStore(clock: FakeClock(simulation.now + 1_000))
                let report = try feed(store, records, random: &random)
                if report.applied != records.count || !report.rejected.isEmpty {
                    XCTFail("seed \(seed): replica \(replica) applied \(report.applied) of \(records.count), rejected \(report.rejected.count)")
                }
                snapshots.append(try snapshot(store))
                try assertAgreesWithReference(store, records, scope: Simulation.scope, seed: seed)
                if replica == 3 { try integrityCheck(store) }
            }
            for (replica, other) in snapshots.enumerated().dropFirst() where other != snapshots[0] {
                XCTFail("seed \(seed): replica \(replica) differs from replica 0 (states \(other.states == snapshots[0].states), conflicts \(other.conflicts == snapshots[0].conflicts), histories \(other.histories == snapshots[0].histories))")
            }
            conflictedFields += snapshots[0].conflicts.count
        }
        XCTAssertGreaterThan(conflictedFields, 0, "the simulations made no conflicts; the test would check little")
    }

    func testAnInvalidRecordIsRejectedAndTheRestOfTheBatchApplies() throws {
        let store = try makeStore(clock: FakeClock(base))
        let stamp = Timestamp(milliseconds: base, counter: 0, node: NodeID(rawValue: 9))
        let good = MergeRecord(entity: "audit", key: "A-1", field: "status", value: .null, timestamp: stamp)
        let emptyKey = MergeRecord(entity: "audit", key: "", field: "status", value: .null, timestamp: stamp)
        let longKey = MergeRecord(entity: "audit", key: String(repeating: "k", count: 1_025), field: "status", value: .null, timestamp: stamp)
        let report = try store.apply([emptyKey, good, longKey])
        XCTAssertEqual(report.applied, 1)
        XCTAssertEqual(report.rejected.map(\.record), [emptyKey, longKey])
        XCTAssertTrue(report.rejected[0].reason.contains("key is empty"), report.rejected[0].reason)
        XCTAssertEqual(try store.recordCount(), 1)
    }
}
