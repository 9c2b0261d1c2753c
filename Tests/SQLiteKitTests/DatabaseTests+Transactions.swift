import Foundation
import XCTest
@testable import SQLiteKit
import TestSupport

private struct Planned: Error, Equatable {}

/// Transactions commit and return their body's result, and roll back when the body throws or a
/// statement fails, leaving the connection usable.
extension DatabaseTests {
    // MARK: Transactions

    func testATransactionCommitsAndReturnsItsResult() throws {
        let database = try openScratch()
        let result = try database.transaction { () throws -> String in
            XCTAssertTrue(database.isInTransaction)
            try database.execute("INSERT INTO t(id, v) VALUES (1, 'a')")
            return "done"
        }
        XCTAssertEqual(result, "done")
        XCTAssertFalse(database.isInTransaction)
        // Committed: a second connection sees it.
        let other = try Database(path: path("test.sqlite"))
        XCTAssertEqual(try count(other), 1)
    }

    func testATransactionRollsBackWhenItsBodyThrows() throws {
        let database = try openScratch()
        try database.execute("INSERT INTO t(id, v) VALUES (1, 'before')")
        XCTAssertThrowsError(try database.transaction {
            try database.execute("INSERT INTO t(id, v) VALUES (2, 'inside')")
            try database.execute("UPDATE t SET v = 'changed' WHERE id = 1")
            throw Planned()
        }) { error in
            XCTAssertEqual(error as? Planned, Planned(), "the body's error comes out unchanged")
        }
        XCTAssertFalse(database.isInTransaction)
        XCTAssertEqual(try count(database), 1)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM t WHERE id = 2"), 0, "the row written inside is absent")
        XCTAssertEqual(try count(database, "SELECT count(*) FROM t WHERE v = 'before'"), 1)
        // The connection is usable afterwards.
        try database.transaction { try database.execute("INSERT INTO t(id) VALUES (3)") }
        XCTAssertEqual(try count(database), 2)
    }

    func testATransactionRollsBackWhenAStatementFails() throws {
        let database = try openScratch()
        XCTAssertThrowsError(try database.transaction {
            try database.execute("INSERT INTO t(id) VALUES (1)")
            try database.execute("INSERT INTO t(id) VALUES (1)")
        }) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, ResultCode.constraint)
        }
        XCTAssertEqual(try count(database), 0)
        XCTAssertFalse(database.isInTransaction)
    }
}
