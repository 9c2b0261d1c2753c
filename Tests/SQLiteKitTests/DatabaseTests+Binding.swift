import Foundation
import XCTest
@testable import SQLiteKit
import TestSupport

/// Executing statements and binding values: integers, text, blobs and NULL round-trip exactly, and
/// statements can be reset, rebound and iterated row by row.
extension DatabaseTests {
    // MARK: Executing and binding

    func testExecuteRunsSeveralStatements() throws {
        let database = try openScratch()
        try database.execute("INSERT INTO t(id) VALUES (1); INSERT INTO t(id) VALUES (2); UPDATE t SET v = id * 10")
        XCTAssertEqual(try count(database), 2)
        XCTAssertEqual(try count(database, "SELECT sum(v) FROM t"), 30)
        XCTAssertEqual(database.changes, 2)
    }

    func testIntegersRoundTrip() throws {
        let database = try openScratch()
        let insert = try database.prepare("INSERT INTO t(v) VALUES (?)")
        let values: [Int64] = [0, 1, -1, Int64.min, Int64.max, 1 << 53 + 1, -(1 << 40)]
        for value in values {
            insert.bind(1, value)
            try insert.run()
        }
        insert.bind(1, 42 as Int)
        try insert.run()
        XCTAssertEqual(database.lastInsertRowID, Int64(values.count + 1))
        var read: [Int64] = []
        var readInts: [Int] = []
        try database.prepare("SELECT v, typeof(v) FROM t ORDER BY id").forEachRow { row in
            XCTAssertEqual(row.text(1), "integer")
            read.append(row.int64(0))
            readInts.append(row.int(0))
        }
        XCTAssertEqual(read, values + [42])
        XCTAssertEqual(readInts, (values + [42]).map { Int($0) })
    }

    func testTextRoundTripsIncludingEmptyAndNonASCII() throws {
        let database = try openScratch()
        let insert = try database.prepare("INSERT INTO t(id, v) VALUES (?, ?)")
        let values = ["", "plain", "é e\u{301} ß Ж 日本語 🙂 👩‍⚖️", "embedded\u{0}nul", String(repeating: "x", count: 100_000)]
        for (index, value) in values.enumerated() {
            insert.bind(1, index)
            insert.bind(2, value)
            try insert.run()
        }
        let query = try database.prepare("SELECT v, typeof(v), length(CAST(v AS BLOB)), v IS NULL FROM t WHERE id = ?")
        for (index, value) in values.enumerated() {
            query.bind(1, index)
            XCTAssertTrue(try query.step())
            XCTAssertEqual(Array(query.text(0).utf8), Array(value.utf8), "text \(index)")
            XCTAssertEqual(query.optionalText(0).map { Array($0.utf8) }, Array(value.utf8))
            XCTAssertEqual(query.text(1), "text", "text \(index) is stored as text, never NULL")
            XCTAssertEqual(query.int(2), value.utf8.count)
            XCTAssertFalse(query.isNull(0))
            query.reset()
        }
    }

    func testBlobsRoundTripIncludingEmpty() throws {
        let database = try openScratch()
        let insert = try database.prepare("INSERT INTO t(id, v) VALUES (?, ?)")
        var random = SplitMix64(seed: 0xB10B)
        let values: [[UInt8]] = [[], [0], [0, 255, 0, 1], (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &random) }]
        for (index, value) in values.enumerated() {
            insert.bind(1, index)
            insert.bind(2, blob: value)
            try insert.run()
        }
        // The raw-buffer overload, including an empty buffer with no base address.
        insert.bind(1, 10)
        insert.bind(2, blob: UnsafeRawBufferPointer(start: nil, count: 0))
        try insert.run()
        insert.bind(1, 11)
        [UInt8]([9, 8, 7]).withUnsafeBytes { insert.bind(2, blob: $0) }
        try insert.run()

        let query = try database.prepare("SELECT v, typeof(v), length(v) FROM t WHERE id = ?")
        let expected: [(Int, [UInt8])] = values.indices.map { ($0, values[$0]) } + [(10, []), (11, [9, 8, 7])]
        for (index, value) in expected {
            query.bind(1, index)
            XCTAssertTrue(try query.step())
            XCTAssertEqual(query.blob(0), value, "blob \(index)")
            XCTAssertEqual(query.withBlob(0) { $0.count }, value.count)
            XCTAssertEqual(query.text(1), "blob", "blob \(index) is stored as a blob, never NULL")
            XCTAssertEqual(query.int(2), value.count)
            XCTAssertFalse(query.isNull(0))
            query.reset()
        }
    }

    func testNullRoundTrips() throws {
        let database = try openScratch()
        let insert = try database.prepare("INSERT INTO t(id, v, name) VALUES (?, ?, ?)")
        insert.bind(1, 1)
        insert.bindNull(2)
        insert.bind(3, nil as String?)
        try insert.run()
        insert.bind(1, 2)
        insert.bind(2, "x")
        insert.bind(3, "named" as String?)
        try insert.run()
        let query = try database.prepare("SELECT v, name, typeof(v) FROM t ORDER BY id")
        XCTAssertTrue(try query.step())
        XCTAssertTrue(query.isNull(0))
        XCTAssertTrue(query.isNull(1))
        XCTAssertNil(query.optionalText(1))
        XCTAssertEqual(query.text(2), "null")
        XCTAssertEqual(query.blob(0), [])
        XCTAssertTrue(try query.step())
        XCTAssertEqual(query.optionalText(1), "named")
        XCTAssertFalse(try query.step())
        query.reset()
    }

    func testAStatementIsReusableAfterResetAndClearBindings() throws {
        let database = try openScratch()
        let insert = try database.prepare("INSERT INTO t(id, v) VALUES (?, ?)")
        insert.bind(1, 1)
        insert.bind(2, "one")
        try insert.run()
        insert.clearBindings()
        insert.bind(1, 2)
        try insert.run()
        let query = try database.prepare("SELECT v IS NULL FROM t WHERE id = ?")
        query.bind(1, 2)
        XCTAssertTrue(try query.step())
        XCTAssertEqual(query.int(0), 1, "cleared bindings are NULL")
        query.reset()
        query.bind(1, 1)
        XCTAssertTrue(try query.step())
        XCTAssertEqual(query.int(0), 0)
        query.reset()
    }

    func testForEachRowVisitsEveryRowInOrderAndResets() throws {
        let database = try openScratch()
        try database.execute("INSERT INTO t(id) VALUES (3), (1), (2)")
        let query = try database.prepare("SELECT id FROM t ORDER BY id")
        var ids: [Int] = []
        try query.forEachRow { ids.append($0.int(0)) }
        try query.forEachRow { ids.append($0.int(0)) }
        XCTAssertEqual(ids, [1, 2, 3, 1, 2, 3])
        XCTAssertFalse(database.isInTransaction, "a finished query holds no transaction")
    }
}
