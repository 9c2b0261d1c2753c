import Foundation
import XCTest
@testable import SQLiteKit
import TestSupport


/// SQLite's result codes, spelled out so the tests need not import the C module.
private enum ResultCode {
    static let error: Int32 = 1
    static let corrupt: Int32 = 11
    static let cantOpen: Int32 = 14
    static let constraint: Int32 = 19
    static let notADatabase: Int32 = 26
    static let constraintNotNull: Int32 = 19 | (5 << 8)
    static let constraintPrimaryKey: Int32 = 19 | (6 << 8)
    static let constraintUnique: Int32 = 19 | (8 << 8)
}

private struct Planned: Error, Equatable {}

final class DatabaseTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqlitekit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func openScratch(_ name: String = "test.sqlite") throws -> Database {
        let database = try Database(path: path(name))
        try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v ANY, name TEXT UNIQUE, required TEXT NOT NULL DEFAULT '')")
        return database
    }

    private func count(_ database: Database, _ sql: String = "SELECT count(*) FROM t") throws -> Int64 {
        let statement = try database.prepare(sql)
        defer { statement.reset() }
        XCTAssertTrue(try statement.step())
        return statement.int64(0)
    }

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
