import Foundation
import XCTest
@testable import SQLiteKit
import TestSupport

/// Opening database files: a new file is created in WAL mode, a missing one is not created when
/// asked not to, data survives a reopen, and a garbage file is reported as corruption and left as
/// it was.
extension DatabaseTests {
    // MARK: Opening

    func testOpeningCreatesTheFileInWALMode() throws {
        let file = path("new.sqlite")
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
        let database = try Database(path: file)
        XCTAssertTrue(FileManager.default.fileExists(atPath: file))
        XCTAssertEqual(database.path, file)
        let mode = try database.prepare("PRAGMA journal_mode")
        XCTAssertTrue(try mode.step())
        XCTAssertEqual(mode.text(0), "wal")
        mode.reset()
        let synchronous = try database.prepare("PRAGMA synchronous")
        XCTAssertTrue(try synchronous.step())
        XCTAssertEqual(synchronous.int(0), 2, "FULL")
        synchronous.reset()
    }

    func testOpeningAMissingFileWithoutCreateFails() {
        var options = Database.Options()
        options.create = false
        let file = path("missing.sqlite")
        XCTAssertThrowsError(try Database(path: file, options: options)) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, ResultCode.cantOpen, "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
    }

    func testDataWrittenIsThereAfterReopening() throws {
        do {
            let database = try openScratch()
            try database.execute("INSERT INTO t(id, v) VALUES (1, 'kept')")
        }
        var options = Database.Options()
        options.create = false
        let database = try Database(path: path("test.sqlite"), options: options)
        let query = try database.prepare("SELECT v FROM t WHERE id = 1")
        XCTAssertTrue(try query.step())
        XCTAssertEqual(query.text(0), "kept")
        query.reset()
    }

    func testARandomGarbageFileIsReportedAsCorruption() throws {
        var random = SplitMix64(seed: 0x6A2B_A6E0)
        let garbage = Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &random) })
        var readOnly = Database.Options()
        readOnly.readOnly = true
        var noWAL = Database.Options()
        noWAL.durableWAL = false
        var noCreate = Database.Options()
        noCreate.create = false
        for (name, options) in [("default", Database.Options()), ("no WAL", noWAL), ("read-only", readOnly), ("no create", noCreate)] {
            let file = path("garbage-\(name.replacingOccurrences(of: " ", with: "-")).sqlite")
            try garbage.write(to: URL(fileURLWithPath: file))
            XCTAssertThrowsError(try Database(path: file, options: options), "\(name): opened garbage") { error in
                guard let error = error as? SQLiteError else { return XCTFail("\(name): \(error)") }
                XCTAssertTrue(error.isCorruption, "\(name): \(error)")
                XCTAssertEqual(error.code, ResultCode.notADatabase, "\(name): \(error)")
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), garbage, "\(name): the file was changed")
        }
    }
}
