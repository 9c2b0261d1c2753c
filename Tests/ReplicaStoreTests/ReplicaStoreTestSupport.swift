import Foundation
import XCTest
import MergeCore
import SQLiteKit
@testable import ReplicaStore
import TestSupport

// What the ReplicaStore tests share: a hand-moved clock, a simulation of nodes writing and
// exchanging records, snapshots to compare replicas, and the helpers that feed a store and check
// it against `FieldRegister`.

/// A wall clock the test moves by hand, forwards or back.
final class FakeClock {
    var milliseconds: UInt64
    init(_ milliseconds: UInt64) { self.milliseconds = milliseconds }
}

/// Several nodes writing and exchanging records at random, each showing its own view of a field
/// when it writes, as a real field node does: realistic histories with concurrent writes,
/// superseded values and resolutions.
struct Simulation {
    static let scope = "A-1"
    static let fields: [FieldID] = [
        FieldID(entity: "audit", key: "A-1", field: "status"),
        FieldID(entity: "item", key: "A-1/iso42001:2023/6.1", field: "result"),
        FieldID(entity: "item", key: "A-1/iso42001:2023/6.1", field: "note"),
        FieldID(entity: "item", key: "A-1/iso27001:2022/A.5.1", field: "result"),
        FieldID(entity: "finding", key: "A-1/F-é日本", field: "status"),
    ]

    var random: SplitMix64
    var now: UInt64
    private var clocks: [HybridLogicalClock]
    private var views: [[FieldID: FieldRegister]]
    private(set) var records: [MergeRecord] = []

    init(seed: UInt64, nodes: Int, now: UInt64) {
        random = SplitMix64(seed: seed)
        self.now = now
        clocks = (0..<nodes).map { HybridLogicalClock(node: NodeID(rawValue: 0x1000 + UInt64($0) * 7919)) }
        views = Array(repeating: [:], count: nodes)
    }

    mutating func run(steps: Int) {
        for _ in 0..<steps {
            switch Int.random(in: 0..<10, using: &random) {
            case 0: now -= UInt64.random(in: 0...3, using: &random)
            case 1...6: now += UInt64.random(in: 0...2, using: &random)
            default: break
            }
            let node = Int.random(in: 0..<clocks.count, using: &random)
            if Int.random(in: 0..<10, using: &random) < 6 {
                write(by: node)
            } else {
                receive(by: node, from: Int.random(in: 0..<clocks.count, using: &random))
            }
        }
    }

    private mutating func write(by node: Int) {
        let field = Simulation.fields.randomElement(using: &random)!
        let view = views[node][field] ?? FieldRegister([])
        let seen = view.winner.map { [$0.timestamp] + view.conflicts.map(\.timestamp) } ?? []
        let value: MergeValue = switch Int.random(in: 0..<4, using: &random) {
        case 0: .text(["conform", "nonconform", "", "é"].randomElement(using: &random)!)
        case 1: .int(Int64.random(in: -3...3, using: &random))
        case 2: .bool(Bool.random(using: &random))
        default: .null
        }
        let record = MergeRecord(entity: field.entity, key: field.key, field: field.field, value: value,
                                 timestamp: clocks[node].tick(now: now), seen: seen)
        views[node][field, default: FieldRegister([])].insert(record)
        records.append(record)
    }

    private mutating func receive(by node: Int, from other: Int) {
        // Sorted, so the draws do not depend on dictionary order.
        for field in Simulation.fields {
            guard let register = views[other][field] else { continue }
            for record in register.records.values.sorted(by: { $0.timestamp < $1.timestamp }) where Bool.random(using: &random) {
                try? clocks[node].observe(record.timestamp, now: now)
                views[node][field, default: FieldRegister([])].insert(record)
            }
        }
    }
}

/// Everything a replica shows, to compare replicas.
struct Snapshot: Equatable {
    var states: [FieldState] = []
    var conflicts: [FieldConflicts] = []
    /// Every field's history, as encodings (byte-exact, whatever Swift's string equality says).
    var histories: [[[UInt8]]] = []
    var recordCount = 0
}

extension ReplicaStoreTests {
    func allRecords(_ store: ReplicaStore) throws -> [MergeRecord] {
        try store.records(after: 0, limit: Int.max).map(\.record)
    }

    func integrityCheck(_ store: ReplicaStore, file: StaticString = #filePath, line: UInt = #line) throws {
        let check = try store.database.prepare("PRAGMA integrity_check")
        var results: [String] = []
        try check.forEachRow { results.append($0.text(0)) }
        XCTAssertEqual(results, ["ok"], "integrity_check of \(store.database.path)", file: file, line: line)
    }

    func snapshot(_ store: ReplicaStore, fields: [FieldID] = Simulation.fields, scope: String = Simulation.scope) throws -> Snapshot {
        var snapshot = Snapshot()
        for entity in Set(fields.map(\.entity)).sorted() {
            snapshot.states += try store.fieldStates(entity: entity, in: KeyScope(scope))
        }
        snapshot.conflicts = try store.conflicts(in: KeyScope(scope))
        snapshot.histories = try fields.map { try store.history(of: $0).map { $0.encoded() } }
        snapshot.recordCount = try store.recordCount()
        return snapshot
    }

    /// Feeds `records` in a random order, with random duplicates, in random batches.
    @discardableResult
    func feed(_ store: ReplicaStore, _ records: [MergeRecord], random: inout SplitMix64) throws -> ApplyReport {
        var input = records.shuffled(using: &random)
        for _ in 0..<Int.random(in: 0...records.count / 2 + 1, using: &random) {
            guard let duplicate = records.randomElement(using: &random) else { break }
            input.insert(duplicate, at: Int.random(in: 0...input.count, using: &random))
        }
        var total = ApplyReport()
        var start = 0
        while start < input.count {
            let end = min(input.count, start + Int.random(in: 1...max(1, input.count / 3), using: &random))
            let report = try store.apply(input[start..<end])
            total.applied += report.applied
            total.duplicates += report.duplicates
            total.conflicts += report.conflicts
            total.rejected += report.rejected
            start = end
        }
        return total
    }

    /// The store against `FieldRegister`, the whole-history reference, field by field.
    func assertAgreesWithReference(_ store: ReplicaStore, _ records: [MergeRecord], scope: String,
                                   seed: UInt64, file: StaticString = #filePath, line: UInt = #line) throws {
        let byField = Dictionary(grouping: records, by: \.fieldID)
        var expectedConflicts: [(FieldID, MergeRecord, [MergeRecord])] = []
        for (id, fieldRecords) in byField {
            let register = FieldRegister(fieldRecords)
            guard let winner = register.winner, let state = try store.fieldState(id) else {
                XCTFail("seed \(seed): \(id) has no state in the store", file: file, line: line)
                continue
            }
            if state.timestamp != winner.timestamp || state.value != winner.value {
                XCTFail("seed \(seed): \(id) shows \(state.value) @ \(state.timestamp), reference \(winner.value) @ \(winner.timestamp)",
                        file: file, line: line)
            }
            if state.conflictCount != register.conflicts.count {
                XCTFail("seed \(seed): \(id) counts \(state.conflictCount) conflicts, reference \(register.conflicts.count)",
                        file: file, line: line)
            }
            let history = try store.history(of: id).map { $0.encoded() }
            let expectedHistory = register.records.values.sorted { $0.timestamp < $1.timestamp }.map { $0.encoded() }
            if history != expectedHistory {
                XCTFail("seed \(seed): history of \(id) has \(history.count) records, reference \(expectedHistory.count), or differs",
                        file: file, line: line)
            }
            if !register.conflicts.isEmpty { expectedConflicts.append((id, winner, register.conflicts)) }
        }
        // SQLite orders text by its bytes.
        func sortKey(_ id: FieldID) -> [UInt8] { Array(id.entity.utf8) + [0] + Array(id.key.utf8) + [0] + Array(id.field.utf8) }
        expectedConflicts.sort { sortKey($0.0).lexicographicallyPrecedes(sortKey($1.0)) }
        let conflicts = try store.conflicts(in: KeyScope(scope))
        let actual = conflicts.map { [$0.winner.encoded()] + $0.losers.map { $0.encoded() } }
        let expected = expectedConflicts.map { [$0.1.encoded()] + $0.2.map { $0.encoded() } }
        if actual != expected {
            XCTFail("seed \(seed): conflicts(in: \(scope)) lists \(conflicts.count) fields, reference \(expectedConflicts.count), or they differ",
                    file: file, line: line)
        }
    }
}
