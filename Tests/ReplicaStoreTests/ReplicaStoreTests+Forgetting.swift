import Foundation
import XCTest
import MergeCore
import SQLiteKit
@testable import ReplicaStore

/// Forgetting a scope (an audit whose team the laptop's auditor left) and everything (a revoked
/// laptop): nothing of it stays in any table, the rest is untouched, positions are not reused.
extension ReplicaStoreTests {
    private func count(_ store: ReplicaStore, _ sql: String) throws -> Int {
        let query = try store.database.prepare(sql)
        defer { query.reset() }
        _ = try query.step()
        return query.int(0)
    }

    func testForgettingAnAuditDeletesItsLogStateAndConflictsAndNothingElse() throws {
        let clock = FakeClock(base)
        let store = try makeStore(clock: clock)
        try store.write([FieldWrite("audit", "A-1", "scope", .text("AI")), FieldWrite("item", "A-1/x/4.1", "result", .text("conform"))])
        try store.write([FieldWrite("audit", "A-10", "scope", .text("ISMS")), FieldWrite("note", "A-10/N-1", "text", .text("keep"))])
        // A concurrent write from elsewhere: a conflict row of A-1 (its state's count).
        let other = MergeRecord(entity: "item", key: "A-1/x/4.1", field: "result", value: .text("nonconform"),
                                timestamp: Timestamp(milliseconds: base, counter: 9, node: NodeID(rawValue: 77)), seen: [])
        try store.apply([other])
        clock.milliseconds += 5
        try store.write([FieldWrite("note", "A-1/N-2", "text", .text("last of A-1"))])
        let end = try store.lastSequence()

        var given: [Int64] = []
        XCTAssertEqual(try store.forget([KeyScope("A-1")]) { given = $0 }, 4)
        XCTAssertEqual(given.sorted(), [1, 2, 5, 6], "the log positions deleted, for the node's own tables")
        XCTAssertEqual(try count(store, "SELECT count(*) FROM merge_log WHERE key = 'A-1' OR key LIKE 'A-1/%'"), 0)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM field_state WHERE key = 'A-1' OR key LIKE 'A-1/%'"), 0)
        XCTAssertEqual(try store.conflicts(in: KeyScope("A-1")).count, 0)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM merge_log"), 2, "A-10 (whose id starts like A-1) stays whole")
        XCTAssertEqual(try store.fieldStates(entity: "note", in: KeyScope("A-10")).map(\.value), [.text("keep")])

        XCTAssertEqual(try store.lastSequence(), end, "the end of the log does not move back")
        try store.write([FieldWrite("note", "A-10/N-3", "text", .text("new"))])
        XCTAssertEqual(try store.records(after: end, limit: 10).map(\.sequence), [end + 1], "no position is given twice")
    }

    func testForgettingEverythingLeavesTheNodeItsIdentityAndClockOnly() throws {
        let clock = FakeClock(base)
        let store = try makeStore("everything.sqlite", clock: clock)
        try store.write([FieldWrite("audit", "A-1", "scope", .text("AI")), FieldWrite("audit", "A-2", "scope", .text("ISMS"))])
        let node = store.node
        let last = store.clock.last
        try store.forgetEverything()
        XCTAssertEqual(try store.recordCount(), 0)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM field_state"), 0)
        let reopened = try makeStore("everything.sqlite", clock: clock, create: false)
        XCTAssertEqual(reopened.node, node)
        XCTAssertEqual(reopened.clock.last, last)
        XCTAssertEqual(try reopened.lastSequence(), 2)
    }
}
