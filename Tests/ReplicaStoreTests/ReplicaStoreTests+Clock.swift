import Foundation
import XCTest
import MergeCore
import SQLiteKit
@testable import ReplicaStore
import TestSupport

/// The replica's hybrid logical clock: a record too far in the future is refused without moving
/// it, and the node id and clock survive a restart even when the wall clock went back.
extension ReplicaStoreTests {
    // MARK: Clock skew

    func testARecordBeyondTheClockSkewIsRejectedAndTheRestOfTheBatchApplies() throws {
        let clock = FakeClock(base)
        let store = try makeStore(clock: clock)
        let node = NodeID(rawValue: 0x5EED)
        func record(_ field: String, aheadBy milliseconds: UInt64) -> MergeRecord {
            MergeRecord(entity: "audit", key: "A-1", field: field, value: .text(field),
                        timestamp: Timestamp(milliseconds: base + milliseconds, counter: 0, node: node))
        }
        let early = record("before", aheadBy: 0)
        let edge = record("edge", aheadBy: HybridLogicalClock.defaultMaxSkewMilliseconds)
        let future = record("future", aheadBy: HybridLogicalClock.defaultMaxSkewMilliseconds + 1)
        let late = record("after", aheadBy: 5)
        let report = try store.apply([early, future, edge, late])
        XCTAssertEqual(report.applied, 3)
        XCTAssertEqual(report.rejected.map(\.record), [future])
        let reason = try XCTUnwrap(report.rejected.first?.reason)
        XCTAssertTrue(reason.contains("fix the clock"), reason)
        XCTAssertTrue(reason.contains(node.hex), reason)
        XCTAssertEqual(try store.recordCount(), 3)
        XCTAssertEqual(try store.history(of: future.fieldID), [])
        XCTAssertEqual(try store.fieldState(edge.fieldID)?.value, .text("edge"))
        // The refused record did not drag this node's clock into the future.
        let next = try store.write([FieldWrite("audit", "A-1", "status", .text("open"))])
        XCTAssertLessThan(next[0].timestamp, future.timestamp)

        // Once the clocks agree, the same record is accepted: nothing was lost.
        clock.milliseconds += 60_000
        XCTAssertEqual(try store.apply([future]).applied, 1)
        XCTAssertEqual(try store.fieldState(future.fieldID)?.value, .text("future"))
    }

    // MARK: A clock that ran ahead

    func testAfterAClockCorrectionNewWorkFollowsTheWallClockAndStillSupersedesWhatItOverwrote() throws {
        let clock = FakeClock(base + 2 * 86_400_000)
        let store = try ReplicaStore(path: path("corrected.sqlite"), create: true, now: { clock.milliseconds })
        let ahead = try store.write([FieldWrite("item", "A-1/x", "result", .text("conform"))])[0]
        clock.milliseconds = base
        let other = try store.write([FieldWrite("item", "A-1/y", "result", .text("conform"))])[0]
        XCTAssertEqual(other.timestamp.milliseconds, base, "work on another field follows the corrected clock")
        let overwrite = try store.write([FieldWrite("item", "A-1/x", "result", .text("nonconform"))])[0]
        XCTAssertGreaterThan(overwrite.timestamp, ahead.timestamp, "a write still sorts after what it overwrote")
        XCTAssertEqual(overwrite.seen, [ahead.timestamp])
        XCTAssertEqual(try store.fieldState(overwrite.fieldID)?.value, .text("nonconform"))
    }

    func testRestampingWhatAClockWroteAheadKeepsTheFieldsAndTheirOrder() throws {
        let clock = FakeClock(base + 2 * 86_400_000)
        let store = try ReplicaStore(path: path("restamp.sqlite"), create: true, now: { clock.milliseconds })
        let first = try store.write([FieldWrite("item", "A-1/x", "result", .text("conform"))])[0]
        let second = try store.write([FieldWrite("item", "A-1/x", "result", .text("nonconform")),
                                      FieldWrite("item", "A-1/x", "note", .text("gap found"))])
        // A teammate's concurrent write, stamped by a right clock, lost to the run-ahead one.
        let teammate = MergeRecord(entity: "item", key: "A-1/x", field: "result", value: .text("not-audited"),
                                   timestamp: Timestamp(milliseconds: base - 1000, counter: 0, node: NodeID(rawValue: 0xBEE)),
                                   seen: [])
        clock.milliseconds = base
        try store.apply([teammate])
        XCTAssertEqual(try store.fieldState(first.fieldID)?.value, .text("nonconform"))

        let ahead = try store.ownRecordsAhead(after: 0)
        XCTAssertEqual(ahead.map(\.record.timestamp), [first.timestamp] + second.map(\.timestamp))
        let restamps = try store.restampOwnRecords(ahead.map(\.sequence))
        XCTAssertEqual(restamps.count, 3)
        XCTAssertTrue(restamps.allSatisfy { $0.new.milliseconds >= base && $0.new.milliseconds < base + 1000 }, "\(restamps)")
        XCTAssertEqual(restamps[1].new, restamps[2].new, "one change keeps one stamp: the central judges it whole")
        XCTAssertLessThan(restamps[0].new, restamps[1].new)
        XCTAssertEqual(try store.ownRecordsAhead(after: 0).count, 0)
        XCTAssertEqual(try store.restamps(), restamps, "the trail keeps the old stamps")
        // The order of the node's own writes holds: the second still supersedes the first.
        let history = try store.history(of: first.fieldID)
        let register = FieldRegister(history)
        XCTAssertEqual(register.winner?.value, .text("nonconform"))
        XCTAssertEqual(register.conflicts.map(\.timestamp), [teammate.timestamp],
                       "the teammate's write, concurrent with both, stays listed")
        XCTAssertEqual(register.supersedingRecord(of: restamps[0].new)?.timestamp, restamps[1].new)
        // A replica that receives the re-stamped records agrees exactly.
        let peer = try ReplicaStore(path: path("peer.sqlite"), create: true, now: { clock.milliseconds })
        try peer.apply(try store.records(after: 0, limit: 100).map(\.record))
        XCTAssertEqual(try peer.fieldState(first.fieldID), try store.fieldState(first.fieldID))
        XCTAssertEqual(try peer.conflicts(in: KeyScope("A-1")).count, try store.conflicts(in: KeyScope("A-1")).count)
    }

    // MARK: Persistence

    func testNodeIdAndClockPersistAcrossCloseAndReopen() throws {
        let clock = FakeClock(base)
        let file = path("persisted.sqlite")
        var stamps: [Timestamp] = []
        let node: NodeID
        let remote = MergeRecord(entity: "audit", key: "A-1", field: "status", value: .text("from central"),
                                 timestamp: Timestamp(milliseconds: base + 300_000, counter: 4, node: NodeID(rawValue: 0xCE27)))
        do {
            let store = try ReplicaStore(path: file, create: true, now: { clock.milliseconds })
            node = store.node
            for index in 0..<3 {
                stamps += try store.write([FieldWrite("item", "A-1/x", "result", .int(Int64(index)))]).map(\.timestamp)
                clock.milliseconds += 1
            }
            // A record from a node whose clock is five minutes ahead moves this clock too.
            try store.apply([remote])
            stamps.append(remote.timestamp)
        }
        // The wall clock went back ten minutes while the node was off (an NTP correction
        // within the skew bound: the clock keeps its time).
        clock.milliseconds = base - 600_000
        let reopened = try ReplicaStore(path: file, create: false, now: { clock.milliseconds })
        XCTAssertEqual(reopened.node, node)
        XCTAssertEqual(reopened.clock.last, Timestamp(milliseconds: remote.timestamp.milliseconds, counter: 4, node: node))
        let next = try reopened.write([FieldWrite("item", "A-1/x", "result", .int(99))])
        for earlier in stamps {
            XCTAssertGreaterThan(next[0].timestamp, earlier, "a write after reopening sorts after \(earlier)")
        }
        XCTAssertEqual(next[0].origin, node)
        XCTAssertEqual(try reopened.history(of: FieldID(entity: "item", key: "A-1/x", field: "result")).count, 4)
        XCTAssertEqual(try reopened.recordCount(), 5)
        try integrityCheck(reopened)

        // And again, with the clock now resumed from a write rather than an observation.
        let last = next[0].timestamp
        let third = try ReplicaStore(path: file, create: false, now: { clock.milliseconds })
        XCTAssertGreaterThan(try third.write([FieldWrite("audit", "A-1", "status", .null)])[0].timestamp, last)
    }
}
