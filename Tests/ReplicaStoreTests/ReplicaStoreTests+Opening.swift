import Foundation
import XCTest
import MergeCore
import SQLiteKit
@testable import ReplicaStore
import TestSupport

/// Creating and opening replica files: each new replica gets its own node id, and a missing path,
/// a garbage file or an SQLite file that is not a replica is refused by name and left untouched.
extension ReplicaStoreTests {
    func testTwoNewReplicasHaveDifferentNodeIds() throws {
        let clock = FakeClock(base)
        let a = try makeStore(clock: clock)
        let b = try makeStore(clock: clock)
        XCTAssertNotEqual(a.node, b.node)
    }

    // MARK: Opening

    func testOpeningAGarbageFileThrowsNotADatabase() throws {
        var random = SplitMix64(seed: 0x6A2B_A6E1)
        let garbage = Data((0..<16_384).map { _ in UInt8.random(in: 0...255, using: &random) })
        for create in [false, true] {
            let file = path("garbage-\(create).sqlite")
            try garbage.write(to: URL(fileURLWithPath: file))
            XCTAssertThrowsError(try ReplicaStore(path: file, create: create)) { error in
                guard case .notADatabase(let reported) = error as? ReplicaError else {
                    return XCTFail("create: \(create): expected ReplicaError.notADatabase, got \(error)")
                }
                XCTAssertEqual(reported, file)
                XCTAssertTrue("\(error)".contains("restore it from a backup"), "\(error)")
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), garbage, "the file was changed")
        }
    }

    func testOpeningAMissingPathWithoutCreateThrowsMissing() {
        let file = path("nowhere.sqlite")
        XCTAssertThrowsError(try ReplicaStore(path: file)) { error in
            guard case .missing(let reported) = error as? ReplicaError else {
                return XCTFail("expected ReplicaError.missing, got \(error)")
            }
            XCTAssertEqual(reported, file)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: file), "nothing was created")
    }

    func testOpeningAnSQLiteFileThatIsNotAReplicaThrowsNotAReplica() throws {
        let file = path("other.sqlite")
        do {
            let database = try Database(path: file)
            try database.execute("CREATE TABLE unrelated (x); PRAGMA journal_mode = DELETE")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try ReplicaStore(path: file)) { error in
            guard case .notAReplica(let reported) = error as? ReplicaError else {
                return XCTFail("expected ReplicaError.notAReplica, got \(error)")
            }
            XCTAssertEqual(reported, file)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), before, "a foreign SQLite file is left untouched")
        XCTAssertFalse(FileManager.default.fileExists(atPath: file + "-wal"), "no WAL was created beside it")
    }
}
