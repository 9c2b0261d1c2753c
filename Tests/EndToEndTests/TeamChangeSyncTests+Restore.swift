import FieldNode
import Foundation
import Glibc
import XCTest

extension TeamChangeSyncTests {
    /// A central restored from a backup older than an audit lists its laptops' audits without
    /// it. That is not a team change: the laptop keeps the audit (the work on it exists nowhere
    /// else), at this sync and every later one.
    func testAnAuditARestoredCentralDoesNotKnowIsKeptNotDeleted() throws {
        var (server, port) = try scenario.serve()
        let (bob, _) = try scenario.enroll("bob", port: port)
        let backup = scenario.scratch.appending("central.tar")
        XCTAssertEqual(try central(["backup", "--out", backup.path]).status, 0)
        let later = try jsonObject(try central(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023",
                                                "--kind", "stage2", "--scope", "AI search", "--lead", "alice",
                                                "--auditor", "bob", "--json"]))["id"] as? String ?? ""
        XCTAssertEqual(try field(["sync"], bob).status, 0)
        XCTAssertEqual(try field(["respond", "--audit", later, "--item", "iso42001:2023/4.1", "--result", "conform"], bob).status, 0)
        server.send(signal: SIGKILL)
        _ = server.waitForExit(timeout: 10)
        XCTAssertEqual(try central(["restore", "--from", backup.path, "--replace"]).status, 0)
        (server, port) = try scenario.serve(port: port)

        for _ in 0..<2 {
            let synced = try field(["sync", "--json"], bob)
            XCTAssertEqual((try jsonObject(synced)["removed"] as? [Any])?.count, 0, "\(synced)\n\(server.transcript)")
            XCTAssertGreaterThan(try rows(of: later, in: "merge_log", bob), 0, "the audit and bob's work on it are kept")
        }
        let audits = try jsonObject(try field(["audits", "--json"], bob))["audits"] as? [[String: Any]]
        XCTAssertTrue(audits?.contains { $0["id"] as? String == later } ?? false, "\(audits ?? [])")
    }
}
