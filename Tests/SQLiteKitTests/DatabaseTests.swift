import Foundation
import XCTest
@testable import SQLiteKit
import TestSupport

/// SQLiteKit's `Database`, `Statement` and `Migrator` on real files in a scratch directory. This
/// file holds the fixture and the migrations; opening files is tested in
/// `DatabaseTests+Opening.swift`, executing statements and binding values in
/// `DatabaseTests+Binding.swift`, transactions in `DatabaseTests+Transactions.swift` and errors in
/// `DatabaseTests+Errors.swift`. SQLite's result codes are spelled out in `DatabaseTestSupport.swift`.
final class DatabaseTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqlitekit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func openScratch(_ name: String = "test.sqlite") throws -> Database {
        let database = try Database(path: path(name))
        try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v ANY, name TEXT UNIQUE, required TEXT NOT NULL DEFAULT '')")
        return database
    }

    func count(_ database: Database, _ sql: String = "SELECT count(*) FROM t") throws -> Int64 {
        let statement = try database.prepare(sql)
        defer { statement.reset() }
        XCTAssertTrue(try statement.step())
        return statement.int64(0)
    }

    // MARK: Migrations

    private let steps: [Migrator.Migration] = [
        .init("0001-create", sql: "CREATE TABLE audit (id TEXT PRIMARY KEY, title TEXT)"),
        // Not idempotent: running it twice would insert twice.
        .init("0002-seed", sql: "INSERT INTO audit(id, title) VALUES ('A-1', 'first')"),
        // Depends on both before it.
        .init("0003-column", sql: "ALTER TABLE audit ADD COLUMN kind TEXT; UPDATE audit SET kind = 'stage1'"),
    ]

    func testMigrationsApplyOnceInOrderAndAreRecordedByName() throws {
        let database = try Database(path: path("migrated.sqlite"))
        let migrator = Migrator(steps)
        try migrator.migrate(database)
        XCTAssertEqual(try migrator.appliedMigrations(database), ["0001-create", "0002-seed", "0003-column"])
        try migrator.migrate(database)
        try Migrator(steps).migrate(database)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM audit"), 1, "each migration ran once")
        XCTAssertEqual(try count(database, "SELECT count(*) FROM audit WHERE kind = 'stage1'"), 1)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM schema_migrations"), 3)
        XCTAssertFalse(database.isInTransaction)
    }

    func testOnlyNewMigrationsRunOnAnOlderDatabase() throws {
        let file = path("older.sqlite")
        do {
            let database = try Database(path: file)
            try Migrator(Array(steps.prefix(2))).migrate(database)
            XCTAssertEqual(try Migrator(Array(steps.prefix(2))).appliedMigrations(database), ["0001-create", "0002-seed"])
        }
        let database = try Database(path: file)
        var migrator = Migrator(Array(steps.prefix(2)))
        migrator.register(steps[2].name, sql: steps[2].sql)
        try migrator.migrate(database)
        XCTAssertEqual(try migrator.appliedMigrations(database), ["0001-create", "0002-seed", "0003-column"])
        XCTAssertEqual(try count(database, "SELECT count(*) FROM audit WHERE kind = 'stage1'"), 1)
    }

    func testADatabaseWithAnUnknownMigrationIsRefused() throws {
        let file = path("newer.sqlite")
        do {
            let database = try Database(path: file)
            try Migrator(steps).migrate(database)
        }
        let database = try Database(path: file)
        XCTAssertThrowsError(try Migrator(Array(steps.prefix(2))).migrate(database)) { error in
            guard case .unknownMigration(let name, let storedPath) = error as? MigrationError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "0003-column")
            XCTAssertEqual(storedPath, file)
            XCTAssertTrue("\(error)".contains("upgrade AuditSync"), "\(error)")
        }
        // A migrator that knows a different history is refused too, and changes nothing.
        let renamed = [steps[0], .init("0002-other", sql: "DROP TABLE audit")]
        XCTAssertThrowsError(try Migrator(renamed).migrate(database))
        XCTAssertEqual(try count(database, "SELECT count(*) FROM audit"), 1)
    }

    func testAFailingMigrationIsRolledBackAndNotRecorded() throws {
        let database = try Database(path: path("failing.sqlite"))
        let broken = Migrator([steps[0], .init("0002-broken", sql: "INSERT INTO audit(id) VALUES ('x'); INSERT INTO missing VALUES (1)")])
        XCTAssertThrowsError(try broken.migrate(database))
        XCTAssertEqual(try broken.appliedMigrations(database), ["0001-create"])
        XCTAssertEqual(try count(database, "SELECT count(*) FROM audit"), 0, "the broken step's first statement was rolled back")
        XCTAssertFalse(database.isInTransaction)
        try Migrator(steps).migrate(database)
        XCTAssertEqual(try Migrator(steps).appliedMigrations(database), steps.map(\.name))
    }
}
