import Foundation
import XCTest
@testable import SQLiteKit
import TestSupport

/// Errors are values: a failed statement throws an `SQLiteError` with its result code, message and
/// SQL, and the code helpers classify constraint, corruption and busy codes.
extension DatabaseTests {
    // MARK: Errors

    func testAConstraintViolationHasTheConstraintCodeAndCarriesTheSQL() throws {
        let database = try openScratch()
        let sql = "INSERT INTO t(id, name) VALUES (?, ?)"
        let insert = try database.prepare(sql)
        insert.bind(1, 1)
        insert.bind(2, "same")
        try insert.run()

        insert.bind(1, 1)
        insert.bind(2, "other")
        XCTAssertThrowsError(try insert.run()) { error in
            guard let error = error as? SQLiteError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.code, ResultCode.constraint)
            XCTAssertEqual(error.extendedCode, ResultCode.constraintPrimaryKey)
            XCTAssertTrue(error.isConstraintViolation)
            XCTAssertFalse(error.isCorruption)
            XCTAssertFalse(error.isBusy)
            XCTAssertEqual(error.sql, sql)
            XCTAssertTrue(error.description.contains(sql), error.description)
        }

        insert.bind(1, 2)
        insert.bind(2, "same")
        XCTAssertThrowsError(try insert.run()) { error in
            XCTAssertEqual((error as? SQLiteError)?.extendedCode, ResultCode.constraintUnique, "\(error)")
            XCTAssertTrue((error as? SQLiteError)?.message.contains("t.name") ?? false, "\(error)")
        }

        let nullSQL = "INSERT INTO t(id, required) VALUES (3, NULL)"
        XCTAssertThrowsError(try database.execute(nullSQL)) { error in
            guard let error = error as? SQLiteError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.extendedCode, ResultCode.constraintNotNull)
            XCTAssertEqual(error.code, ResultCode.constraint)
            XCTAssertEqual(error.sql, nullSQL)
        }
        // The failed statement was reset and can run again.
        insert.bind(1, 4)
        insert.bind(2, "fresh")
        try insert.run()
        XCTAssertEqual(try count(database), 2)
    }

    func testInvalidSQLFailsToPrepareWithTheSQL() throws {
        let database = try openScratch()
        let sql = "SELEC nonsense FROM t"
        XCTAssertThrowsError(try database.prepare(sql)) { error in
            guard let error = error as? SQLiteError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.code, ResultCode.error)
            XCTAssertEqual(error.sql, sql)
            XCTAssertTrue(error.message.contains("syntax error"), error.message)
        }
    }

    func testErrorCodeHelpersClassifyPrimaryCodes() {
        XCTAssertTrue(SQLiteError(extendedCode: ResultCode.corrupt, message: "").isCorruption)
        XCTAssertTrue(SQLiteError(extendedCode: ResultCode.corrupt | (1 << 8), message: "").isCorruption)
        XCTAssertTrue(SQLiteError(extendedCode: ResultCode.notADatabase, message: "").isCorruption)
        XCTAssertFalse(SQLiteError(extendedCode: ResultCode.constraint, message: "").isCorruption)
        XCTAssertTrue(SQLiteError(extendedCode: 5, message: "").isBusy)
        XCTAssertTrue(SQLiteError(extendedCode: 6, message: "").isBusy)
        XCTAssertEqual(SQLiteError(extendedCode: ResultCode.constraintUnique, message: "").code, ResultCode.constraint)
    }
}
