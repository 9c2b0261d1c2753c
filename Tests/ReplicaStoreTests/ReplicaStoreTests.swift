import Foundation
import XCTest
import MergeCore
import SQLiteKit
@testable import ReplicaStore
import TestSupport

/// `ReplicaStore` on real SQLite files in a scratch directory, each with a wall clock the test moves
/// by hand. This file holds the fixture and the local writes; the other behaviours are in
/// `ReplicaStoreTests+Applying.swift` (batches of remote records, idempotency, invalid records),
/// `+Conflicts` (concurrent writes, resolution, history), `+Clock` (clock skew, the clock across a
/// restart), `+Opening` (new, missing, garbage and foreign files) and `+ReferenceModel` (agreement
/// with `FieldRegister` on random histories). Shared helpers are in `ReplicaStoreTestSupport.swift`.
final class ReplicaStoreTests: XCTestCase {
    private var directory: URL!
    /// 2025-11-29, a realistic wall time.
    let base: UInt64 = 1_764_393_600_000
    private var storeCount = 0

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("replicastore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func makeStore(_ name: String? = nil, clock: FakeClock, create: Bool = true) throws -> ReplicaStore {
        storeCount += 1
        return try ReplicaStore(path: path(name ?? "replica-\(storeCount).sqlite"), create: create, now: { clock.milliseconds })
    }

    // MARK: Writing

    func testWriteStampsThisNodeAndRecordsTheCurrentWinnerAsSeen() throws {
        let clock = FakeClock(base)
        let store = try makeStore(clock: clock)
        let result = FieldID(entity: "item", key: "A-1/iso42001:2023/6.1", field: "result")
        let note = FieldID(entity: "item", key: "A-1/iso42001:2023/6.1", field: "note")

        let first = try store.write([FieldWrite("item", result.key, "result", .text("nonconform")),
                                     FieldWrite("item", note.key, "note", .text(""))])
        XCTAssertEqual(first.count, 2)
        XCTAssertEqual(first.map(\.origin), [store.node, store.node])
        XCTAssertEqual(first[0].timestamp, first[1].timestamp, "one change, one timestamp")
        XCTAssertEqual(first[0].timestamp.milliseconds, base)
        XCTAssertEqual(first.map(\.seen), [[], []], "a first write saw nothing")
        XCTAssertEqual(try store.fieldState(note)?.value, .text(""))

        clock.milliseconds += 5
        let second = try store.write([FieldWrite("item", result.key, "result", .text("conform"))])
        XCTAssertEqual(second[0].seen, [first[0].timestamp])
        XCTAssertGreaterThan(second[0].timestamp, first[0].timestamp)
        let state = try XCTUnwrap(store.fieldState(result))
        XCTAssertEqual(state.value, .text("conform"))
        XCTAssertEqual(state.timestamp, second[0].timestamp)
        XCTAssertEqual(state.conflictCount, 0)
        XCTAssertEqual(try store.history(of: result), [first[0], second[0]])
        XCTAssertEqual(try store.recordCount(), 3)

        // A concurrent write from elsewhere, that saw only the first value, wins and leaves ours as a conflict.
        let remote = MergeRecord(entity: "item", key: result.key, field: "result", value: .text("not-applicable"),
                                 timestamp: Timestamp(milliseconds: base + 10, counter: 0, node: NodeID(rawValue: 77)),
                                 seen: [first[0].timestamp])
        let report = try store.apply([remote])
        XCTAssertEqual(report.applied, 1)
        XCTAssertEqual(try store.fieldState(result)?.conflictCount, 1)

        // Our next write shows both: the winner and the conflict.
        let third = try store.write([FieldWrite("item", result.key, "result", .text("conform"))])
        XCTAssertEqual(third[0].seen, [second[0].timestamp, remote.timestamp])
        XCTAssertGreaterThan(third[0].timestamp, remote.timestamp, "the clock moved past the remote record")
        XCTAssertEqual(try store.fieldState(result)?.conflictCount, 0)
        XCTAssertEqual(try store.conflicts(in: KeyScope("A-1")), [])
        try integrityCheck(store)
    }

    func testWrittenRecordsAreInTheLogInOrder() throws {
        let clock = FakeClock(base)
        let store = try makeStore(clock: clock)
        var written: [MergeRecord] = []
        for index in 0..<5 {
            written += try store.write([FieldWrite("audit", "A-1", "status", .int(Int64(index)))])
        }
        let log = try store.records(after: 0, limit: 100)
        XCTAssertEqual(log.map(\.record), written)
        XCTAssertEqual(log.map(\.sequence), [1, 2, 3, 4, 5])
        XCTAssertEqual(try store.lastSequence(), 5)
        XCTAssertEqual(try store.records(after: 3, limit: 1).map(\.record), [written[3]])
    }
}
