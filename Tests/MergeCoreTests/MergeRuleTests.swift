import XCTest
@testable import MergeCore
import TestSupport


final class MergeRuleTests: XCTestCase {
    private let alice = NodeID(rawValue: 0xA)
    private let bob = NodeID(rawValue: 0xB)
    private let carol = NodeID(rawValue: 0xC)

    private func stamp(_ milliseconds: UInt64, _ node: NodeID, counter: UInt16 = 0) -> Timestamp {
        Timestamp(milliseconds: milliseconds, counter: counter, node: node)
    }

    private func write(_ value: String, at timestamp: Timestamp, seen: [Timestamp] = []) -> MergeRecord {
        MergeRecord(entity: "item", key: "A-1/iso42001:2023/6.1", field: "result", value: .text(value),
                    timestamp: timestamp, seen: seen)
    }

    private func stamps(_ records: [MergeRecord]) -> [MergeRule.Stamp] {
        records.map { MergeRule.Stamp(timestamp: $0.timestamp, seen: $0.seen) }
    }

    // MARK: Examples

    func testNoRecordsHaveNoWinner() {
        XCTAssertNil(MergeRule.resolve([]))
        XCTAssertNil(FieldRegister([]).winner)
        XCTAssertEqual(FieldRegister([]).conflicts, [])
    }

    func testAFirstWriteWinsAlone() {
        let first = write("conform", at: stamp(10, alice))
        let register = FieldRegister([first])
        XCTAssertEqual(register.winner, first)
        XCTAssertEqual(register.conflicts, [])
        XCTAssertNil(register.supersedingRecord(of: first.timestamp))
    }

    func testTheWinnerIsTheGreatestTimestamp() {
        // Ordered by milliseconds, then counter, then node; given out of order.
        let a = MergeRule.Stamp(timestamp: stamp(10, carol, counter: 5), seen: [])
        let b = MergeRule.Stamp(timestamp: stamp(11, alice), seen: [])
        let c = MergeRule.Stamp(timestamp: stamp(11, bob), seen: [])
        let d = MergeRule.Stamp(timestamp: stamp(11, alice, counter: 1), seen: [])
        XCTAssertEqual(MergeRule.resolve([a, b, c, d])?.winner, stamp(11, alice, counter: 1))
        XCTAssertEqual(MergeRule.resolve([a, b, c])?.winner, stamp(11, bob))
        XCTAssertEqual(MergeRule.resolve([a, b])?.winner, stamp(11, alice))
    }

    func testASequentialOverwriteLeavesNoConflict() {
        let first = write("nonconform", at: stamp(10, alice))
        let second = write("conform", at: stamp(20, bob), seen: [first.timestamp])
        let register = FieldRegister([second, first])
        XCTAssertEqual(register.winner, second)
        XCTAssertEqual(register.conflicts, [])
        XCTAssertEqual(register.supersedingRecord(of: first.timestamp), second)
    }

    func testTwoConcurrentWritesLeaveTheLoserAsAConflict() {
        let original = write("not-audited", at: stamp(10, alice))
        let mine = write("conform", at: stamp(20, alice), seen: [original.timestamp])
        let theirs = write("nonconform", at: stamp(25, bob), seen: [original.timestamp])
        let resolution = MergeRule.resolve(stamps([original, mine, theirs]))
        XCTAssertEqual(resolution?.winner, theirs.timestamp)
        XCTAssertEqual(resolution?.conflicts, [mine.timestamp])
        let register = FieldRegister([theirs, original, mine])
        XCTAssertEqual(register.winner, theirs)
        XCTAssertEqual(register.conflicts, [mine])
        XCTAssertEqual(register.supersedingRecord(of: original.timestamp), mine, "the earliest record that saw it")
    }

    func testTwoFirstWritesAreConcurrent() {
        let mine = write("conform", at: stamp(20, alice))
        let theirs = write("nonconform", at: stamp(20, bob))
        let register = FieldRegister([mine, theirs])
        XCTAssertEqual(register.winner, theirs, "equal clocks: the node id breaks the tie")
        XCTAssertEqual(register.conflicts, [mine])
    }

    func testAWriteThatListsTheConflictAndTheWinnerResolvesIt() {
        let mine = write("conform", at: stamp(20, alice))
        let theirs = write("nonconform", at: stamp(25, bob))
        let resolution = write("nonconform", at: stamp(30, carol), seen: [mine.timestamp, theirs.timestamp])
        let register = FieldRegister([mine, theirs, resolution])
        XCTAssertEqual(register.winner, resolution)
        XCTAssertEqual(register.conflicts, [])
        XCTAssertEqual(register.supersedingRecord(of: mine.timestamp), resolution)
        XCTAssertEqual(register.supersedingRecord(of: theirs.timestamp), resolution)
    }

    func testAWriteThatSawOnlyTheWinnerLeavesTheConflictListed() {
        let mine = write("conform", at: stamp(20, alice))
        let theirs = write("nonconform", at: stamp(25, bob))
        let next = write("nonconform", at: stamp(30, bob), seen: [theirs.timestamp])
        let register = FieldRegister([mine, theirs, next])
        XCTAssertEqual(register.winner, next)
        XCTAssertEqual(register.conflicts, [mine], "nobody who wrote had seen alice's value")
    }

    func testConflictsAreListedOldestFirst() {
        let records = [write("c", at: stamp(30, carol)), write("a", at: stamp(10, alice)),
                       write("d", at: stamp(40, carol)), write("b", at: stamp(20, bob))]
        XCTAssertEqual(MergeRule.resolve(stamps(records))?.conflicts, [stamp(10, alice), stamp(20, bob), stamp(30, carol)])
        XCTAssertEqual(FieldRegister(records).conflicts.map(\.value), [.text("a"), .text("b"), .text("c")])
    }

    func testASeenTimestampNotYetReceivedStillSupersedesItWhenItArrives() {
        let late = write("old", at: stamp(10, alice))
        let overwrite = write("new", at: stamp(20, bob), seen: [late.timestamp])
        var register = FieldRegister([overwrite])
        XCTAssertEqual(register.conflicts, [])
        register.insert(late)
        XCTAssertEqual(register.winner, overwrite)
        XCTAssertEqual(register.conflicts, [], "a record its writer had seen is superseded, whenever it arrives")
    }

    func testInsertingARecordTwiceChangesNothing() {
        let a = write("a", at: stamp(10, alice))
        let b = write("b", at: stamp(20, bob))
        var register = FieldRegister([a, b])
        register.insert(a)
        register.insert(b)
        XCTAssertEqual(register.records.count, 2)
        XCTAssertEqual(register.winner, b)
        XCTAssertEqual(register.conflicts, [a])
    }

    // MARK: Properties

    /// A field's records: distinct timestamps from a few nodes, with clocks close enough to tie
    /// on milliseconds and counters; each saw a random subset of strictly earlier timestamps,
    /// sometimes including ones that are not (yet) among the records.
    private func randomHistory(_ random: inout SplitMix64) -> [MergeRecord] {
        let nodes = (0..<Int.random(in: 1...4, using: &random)).map { _ in NodeID(rawValue: UInt64.random(in: 1...6, using: &random)) }
        var timestamps = Set<Timestamp>()
        for _ in 0..<Int.random(in: 1...12, using: &random) {
            timestamps.insert(Timestamp(milliseconds: UInt64.random(in: 0...8, using: &random),
                                        counter: UInt16.random(in: 0...2, using: &random),
                                        node: nodes.randomElement(using: &random)!))
        }
        let ordered = timestamps.sorted()
        return ordered.enumerated().map { index, timestamp in
            var seen: [Timestamp] = []
            for earlier in ordered[..<index] where Int.random(in: 0..<3, using: &random) == 0 { seen.append(earlier) }
            if Int.random(in: 0..<5, using: &random) == 0, timestamp.milliseconds > 0 {
                // Seen, but never delivered here.
                seen.append(Timestamp(milliseconds: timestamp.milliseconds - 1, counter: 9, node: NodeID(rawValue: 99)))
            }
            return MergeRecord(entity: "finding", key: "A-1/F-\(index % 2)", field: "status",
                               value: .int(Int64(index)), timestamp: timestamp, seen: seen)
        }
    }

    func testResolveGivesTheSameResultForEveryOrderOfTheRecords() {
        for caseIndex in 0..<400 {
            let seed = 0x4E50_0000 + UInt64(caseIndex)
            var random = SplitMix64(seed: seed)
            let records = randomHistory(&random)
            guard let expected = MergeRule.resolve(stamps(records)) else {
                XCTFail("seed \(seed): \(records.count) records gave no winner")
                continue
            }
            let register = FieldRegister(records)
            for permutation in 0..<8 {
                let shuffled = records.shuffled(using: &random)
                guard let other = MergeRule.resolve(stamps(shuffled)) else {
                    XCTFail("seed \(seed): permutation \(permutation) gave no winner")
                    continue
                }
                if other.winner != expected.winner || other.conflicts != expected.conflicts {
                    XCTFail("seed \(seed): permutation \(permutation) gave \(other), the original order \(expected)")
                }
                // Building the register record by record, in that order, with some delivered twice.
                var incremental = FieldRegister([])
                for record in shuffled + shuffled.prefix(Int.random(in: 0...shuffled.count, using: &random)) {
                    incremental.insert(record)
                }
                if incremental.winner != register.winner || incremental.conflicts != register.conflicts {
                    XCTFail("seed \(seed): permutation \(permutation): the register built record by record disagrees")
                }
            }
        }
    }

    func testTheWinnerIsTheMaximumAndNeverSeenByAnyone() {
        for caseIndex in 0..<400 {
            let seed = 0x3A1E_0000 + UInt64(caseIndex)
            var random = SplitMix64(seed: seed)
            let records = randomHistory(&random)
            guard let resolution = MergeRule.resolve(stamps(records)) else {
                XCTFail("seed \(seed): no winner")
                continue
            }
            let maximum = records.map(\.timestamp).max()!
            if resolution.winner != maximum { XCTFail("seed \(seed): winner \(resolution.winner), maximum \(maximum)") }
            let allSeen = Set(records.flatMap(\.seen))
            if allSeen.contains(resolution.winner) { XCTFail("seed \(seed): the winner \(resolution.winner) is in someone's seen") }
            if resolution.conflicts != resolution.conflicts.sorted() { XCTFail("seed \(seed): conflicts not oldest first") }
        }
    }

    func testEveryRecordIsExactlyOneOfWinnerConflictOrSuperseded() {
        for caseIndex in 0..<400 {
            let seed = 0x1D3A_0000 + UInt64(caseIndex)
            var random = SplitMix64(seed: seed)
            let records = randomHistory(&random)
            let register = FieldRegister(records)
            guard let winner = register.winner else {
                XCTFail("seed \(seed): no winner")
                continue
            }
            let conflicts = Set(register.conflicts.map(\.timestamp))
            if conflicts.count != register.conflicts.count { XCTFail("seed \(seed): a conflict is listed twice") }
            let allSeen = Set(records.flatMap(\.seen))
            for record in records {
                let isWinner = record.timestamp == winner.timestamp
                let isConflict = conflicts.contains(record.timestamp)
                let superseding = register.supersedingRecord(of: record.timestamp)
                let roles = [isWinner, isConflict, superseding != nil].filter { $0 }.count
                if roles != 1 {
                    XCTFail("seed \(seed): \(record.timestamp) is winner: \(isWinner), conflict: \(isConflict), superseded by: \(String(describing: superseding?.timestamp))")
                }
                // Superseded exactly when someone saw it; the superseding record is the earliest such.
                if (superseding != nil) != allSeen.contains(record.timestamp) {
                    XCTFail("seed \(seed): \(record.timestamp): superseded \(superseding != nil), seen \(allSeen.contains(record.timestamp))")
                }
                if let superseding {
                    let earliest = records.filter { $0.seen.contains(record.timestamp) }.map(\.timestamp).min()
                    if superseding.timestamp != earliest || superseding.timestamp <= record.timestamp {
                        XCTFail("seed \(seed): \(record.timestamp) superseded by \(superseding.timestamp), expected \(String(describing: earliest))")
                    }
                }
            }
            // Conflicts are exactly the unseen losers.
            let expected = records.map(\.timestamp).filter { $0 != winner.timestamp && !allSeen.contains($0) }.sorted()
            if register.conflicts.map(\.timestamp) != expected {
                XCTFail("seed \(seed): conflicts \(register.conflicts.map(\.timestamp)), expected \(expected)")
            }
        }
    }

    func testAWriteSeeingTheWinnerAndAllConflictsAlwaysResolvesTheField() {
        for caseIndex in 0..<300 {
            let seed = 0x2E50_1000 + UInt64(caseIndex)
            var random = SplitMix64(seed: seed)
            let records = randomHistory(&random)
            let register = FieldRegister(records)
            guard let winner = register.winner else { continue }
            let shown = [winner.timestamp] + register.conflicts.map(\.timestamp)
            let resolving = MergeRecord(entity: "finding", key: "A-1/F-0", field: "status", value: .null,
                                        timestamp: Timestamp(milliseconds: 100, counter: 0, node: NodeID(rawValue: 1)),
                                        seen: shown)
            let after = FieldRegister(records + [resolving])
            if after.winner != resolving || !after.conflicts.isEmpty {
                XCTFail("seed \(seed): a write that saw \(shown) left winner \(String(describing: after.winner?.timestamp)), conflicts \(after.conflicts.map(\.timestamp))")
            }
        }
    }
}
