import Foundation
import XCTest
import MergeCore
import SQLiteKit
@testable import ReplicaStore
import TestSupport

/// The property behind the incremental store: on random histories, fed in random orders and
/// batches, interleaved with local writes and across a reopen, it shows exactly what
/// `FieldRegister` computes from the whole history.
extension ReplicaStoreTests {
    // MARK: The reference

    /// A field's records with random, valid `seen` lists: each a random subset of strictly earlier
    /// timestamps, some of records never delivered. Harsher than any real history.
    private func randomHistory(_ random: inout SplitMix64, key: String) -> [MergeRecord] {
        let nodes = (0..<Int.random(in: 1...4, using: &random)).map { _ in NodeID(rawValue: UInt64.random(in: 1...6, using: &random)) }
        var timestamps = Set<Timestamp>()
        for _ in 0..<Int.random(in: 1...14, using: &random) {
            timestamps.insert(Timestamp(milliseconds: base + UInt64.random(in: 0...8, using: &random),
                                        counter: UInt16.random(in: 0...2, using: &random),
                                        node: nodes.randomElement(using: &random)!))
        }
        let ordered = timestamps.sorted()
        return ordered.enumerated().map { index, timestamp in
            var seen: [Timestamp] = []
            for earlier in ordered[..<index] where Int.random(in: 0..<3, using: &random) == 0 { seen.append(earlier) }
            if Int.random(in: 0..<6, using: &random) == 0 {
                seen.append(Timestamp(milliseconds: timestamp.milliseconds - 1, counter: 9, node: NodeID(rawValue: 99)))
            }
            if index > 0 && Int.random(in: 0..<3, using: &random) == 0 {
                // The common case: the writer saw the previous record.
                seen.append(ordered[index - 1])
            }
            return MergeRecord(entity: "item", key: key, field: "result", value: .int(Int64(index)), timestamp: timestamp, seen: seen)
        }
    }

    func testTheIncrementalStoreAgreesWithFieldRegisterOnRandomHistories() throws {
        let clock = FakeClock(base + 60_000)
        let file = path("reference.sqlite")
        var store: ReplicaStore? = try ReplicaStore(path: file, create: true, now: { clock.milliseconds })
        var cases: [(seed: UInt64, scope: String, records: [MergeRecord])] = []
        for caseIndex in 0..<300 {
            let seed = 0x2EF0_0000 + UInt64(caseIndex)
            var random = SplitMix64(seed: seed)
            let scope = "C\(caseIndex)"
            let records = randomHistory(&random, key: "\(scope)/item")
            let report = try feed(store!, records, random: &random)
            if report.applied != records.count || !report.rejected.isEmpty {
                XCTFail("seed \(seed): applied \(report.applied) of \(records.count), rejected \(report.rejected.map(\.reason))")
            }
            try assertAgreesWithReference(store!, records, scope: scope, seed: seed)
            cases.append((seed, scope, records))
            if caseIndex == 150 {
                // Half-way, close and reopen: the persisted field indexes must answer the same.
                store = nil
                store = try ReplicaStore(path: file, create: false, now: { clock.milliseconds })
            }
        }
        // Everything still agrees at the end, after all the other fields were written.
        for (seed, scope, records) in cases {
            try assertAgreesWithReference(store!, records, scope: scope, seed: seed)
        }
        try integrityCheck(store!)
    }

    func testLocalWritesInterleavedWithRemoteRecordsAgreeWithFieldRegister() throws {
        for caseIndex in 0..<20 {
            let seed = 0x10CA_1000 + UInt64(caseIndex)
            var simulation = Simulation(seed: seed, nodes: 3, now: base)
            let clock = FakeClock(base)
            let store = try makeStore(clock: clock)
            var random = SplitMix64(seed: seed ^ 0xABCD)
            var written: [MergeRecord] = []
            for _ in 0..<8 {
                let before = simulation.records.count
                simulation.run(steps: 15)
                clock.milliseconds = simulation.now
                try feed(store, Array(simulation.records[before...]), random: &random)
                let field = Simulation.fields.randomElement(using: &random)!
                written += try store.write([FieldWrite(field.entity, field.key, field.field, .int(Int64(written.count)))])
                // What this node wrote saw everything it had for the field, so nothing it showed stays a conflict.
                if let state = try store.fieldState(field), state.conflictCount != 0 || state.timestamp != written.last!.timestamp {
                    XCTFail("seed \(seed): the local write to \(field) did not resolve it: \(state)")
                }
            }
            try assertAgreesWithReference(store, simulation.records + written, scope: Simulation.scope, seed: seed)
        }
    }
}
