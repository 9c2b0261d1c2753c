import FieldNode
import Foundation
import SQLiteKit
import XCTest

/// Issue 9's disk attack with real processes: one bit of an unsent record flipped in the laptop's
/// own file ("UNPUSHED-017" became "…018") passed `integrity_check`, was pushed and accepted, and
/// the documents then differed for good. Records are sealed as they are written, so the laptop
/// finds the change before anything leaves, and says so.
final class AlteredRecordTests: XCTestCase {
    private var scenario: SyncScenario!

    override func setUpWithError() throws {
        scenario = try SyncScenario(prefix: "auditsync-altered")
    }

    override func tearDown() {
        scenario?.stop()
    }

    func testARecordAlteredOnTheLaptopsDiskNeverLeavesAndCheckNamesIt() throws {
        let (_, port) = try scenario.serve()
        let (laptop, _) = try scenario.enroll("alice", port: port)
        XCTAssertEqual(try CLI.run(["field", "sync", "--data", laptop.path]).status, 0)
        for item in ["4.1", "4.2"] {
            let respond = try CLI.run(["field", "respond", "--audit", scenario.audit, "--item", "iso42001:2023/\(item)",
                                       "--result", "conform", "--note", "UNPUSHED-017", "--data", laptop.path])
            XCTAssertEqual(respond.status, 0, "\(respond)")
        }
        let healthy = try CLI.run(["field", "check", "--data", laptop.path])
        XCTAssertEqual(healthy.status, 0, "\(healthy)")

        do {
            let database = try Database(path: laptop.appending(path: FieldNode.databaseName).path)
            try database.execute("""
                UPDATE merge_log SET value = CAST(replace(value, CAST('017' AS BLOB), CAST('018' AS BLOB)) AS BLOB)
                WHERE seq = (SELECT max(seq) FROM merge_log WHERE field = 'note' AND key LIKE '%/4.1')
                """)
        }
        XCTAssertEqual(try CLI.run(["field", "check", "--data", laptop.path]).status, 1)
        let check = try jsonObject(try CLI.run(["field", "check", "--json", "--data", laptop.path]))
        XCTAssertEqual((check["database"] as? String), "ok", "integrity_check cannot see it")
        let altered = check["altered_records"] as? [String] ?? []
        XCTAssertEqual(altered.count, 1, "\(check)")
        XCTAssertTrue(altered.first?.contains("are not the ones it signed") == true, "\(altered)")

        let sync = try CLI.run(["field", "sync", "--data", laptop.path])
        XCTAssertEqual(sync.status, 1, "\(sync)")
        XCTAssertTrue(sync.stderr.contains("changed after it was written"), sync.stderr)
        XCTAssertFalse(try scenario.centralDocument().contains("UNPUSHED-01"), "nothing of it reached the central")
    }
}
