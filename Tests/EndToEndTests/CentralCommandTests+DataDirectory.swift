import Foundation
import XCTest
import TestSupport

/// The data directory: where it defaults to, and a missing, damaged or foreign database reported
/// with what to do and left untouched.
extension CentralCommandTests {
    // MARK: the data directory

    func testMissingDataDirectorySaysToRunCentralInit() throws {
        let result = try CLI.run(["central", "audit", "show", "--audit", "A-2026-0001", "--data", "/nonexistent/x"])
        let line = assertFailure(result, status: 1)
        XCTAssertTrue(line.contains("auditsync central init"), line)
        XCTAssertTrue(line.contains("/nonexistent/x"), line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/nonexistent/x"))

        let scratch = try ScratchDirectory()
        let empty = scratch.appending("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let client = try central(["client", "add", "--name", "Acme", "--site", "Dublin", "--json"], data: empty)
        XCTAssertEqual(assertFailure(client, status: 1),
                       "error: no central node in \(empty.path); create one with `auditsync central init --name NAME` (or pass --data DIR)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: empty.path), [], "nothing created")
    }

    func testCorruptDatabaseIsReportedAndLeftUntouched() throws {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let database = data.appendingPathComponent("central.sqlite")
        var generator = SplitMix64(seed: 0xA0D1_7511_C0DE)
        let garbage = Data((0..<16_384).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        try garbage.write(to: database)

        let commands: [[String]] = [
            ["audit", "show", "--audit", "A-2026-0001"],
            ["audit", "show", "--audit", "A-2026-0001", "--json"],
            ["client", "add", "--name", "Acme", "--site", "Dublin"],
            ["auditor", "add", "--id", "alice", "--name", "Alice"],
        ]
        for command in commands {
            let line = assertFailure(try central(command, data: data), status: 1)
            XCTAssertTrue(line.contains("damaged"), line)
            XCTAssertTrue(line.contains(database.path), line)
            XCTAssertEqual(try Data(contentsOf: database), garbage, "byte-identical after \(command)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: data.path), ["central.sqlite"],
                           "no journal or WAL left beside it after \(command)")
        }
    }

    func testForeignSQLiteDatabaseIsRefusedAndLeftUntouched() throws {
        guard let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/opt/homebrew/bin/sqlite3"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw XCTSkip("the sqlite3 command-line tool is not installed") }
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let database = data.appendingPathComponent("central.sqlite")
        let tool = Process()
        tool.executableURL = URL(fileURLWithPath: sqlite3)
        tool.arguments = [database.path, "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);"]
        try tool.run()
        tool.waitUntilExit()
        XCTAssertEqual(tool.terminationStatus, 0)
        let before = try Data(contentsOf: database)
        XCTAssertEqual(String(decoding: before.prefix(15), as: UTF8.self), "SQLite format 3")

        let commands: [[String]] = [
            ["audit", "show", "--audit", "A-2026-0001", "--json"],
            ["client", "add", "--name", "Acme", "--site", "Dublin"],
        ]
        for command in commands {
            let line = assertFailure(try central(command, data: data), status: 1)
            XCTAssertEqual(line, "error: \(database.path) is an SQLite file but not an AuditSync replica")
            XCTAssertEqual(try Data(contentsOf: database), before, "byte-identical after \(command)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: data.path), ["central.sqlite"],
                           "no journal or WAL left beside it after \(command)")
        }
    }

    func testDataDefaultsToAuditsyncHome() throws {
        let scratch = try ScratchDirectory()
        let home = scratch.appending("home")
        let environment: [String: String?] = ["AUDITSYNC_HOME": home.path]

        let created = try CLI.run(["central", "init", "--name", "Home Body", "--json"], environment: environment)
        assertSuccess(created)
        XCTAssertEqual(try jsonObject(created)["data"] as? String, home.path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: home.appendingPathComponent("central.sqlite").path))
        XCTAssertEqual(try permissions(home), 0o700)

        let client = try CLI.run(["central", "client", "add", "--name", "Acme", "--site", "Dublin", "--json"], environment: environment)
        assertSuccess(client)
        XCTAssertEqual(client.stdout, "{\n  \"id\": \"C-0001\"\n}\n")

        // --data wins over AUDITSYNC_HOME.
        let elsewhere = scratch.appending("elsewhere")
        let explicit = try CLI.run(["central", "init", "--name", "Elsewhere", "--data", elsewhere.path], environment: environment)
        assertSuccess(explicit)
        XCTAssertTrue(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("central.sqlite").path))
    }

    /// Read-only on purpose: if the fallback is wrong, nothing is written to the real home.
    func testDataFallsBackToDotAuditsyncInHome() throws {
        let scratch = try ScratchDirectory()
        let home = scratch.appending("user")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let expected = home.appendingPathComponent(".auditsync").path
        for auditsyncHome: String? in [nil, ""] {
            let result = try CLI.run(["central", "audit", "show", "--audit", "A-2026-0001"],
                                     environment: ["AUDITSYNC_HOME": auditsyncHome, "HOME": home.path])
            XCTAssertEqual(assertFailure(result, status: 1),
                           "error: no central node in \(expected); create one with `auditsync central init --name NAME` (or pass --data DIR)",
                           "AUDITSYNC_HOME=\(auditsyncHome ?? "(unset)")")
        }
    }
}
