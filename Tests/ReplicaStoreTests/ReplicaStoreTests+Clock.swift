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
        // The wall clock went back an hour while the node was off.
        clock.milliseconds = base - 3_600_000
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
