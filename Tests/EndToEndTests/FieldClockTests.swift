import CentralNode
import FieldNode
import Foundation
import XCTest

/// A laptop whose clock ran two days ahead, then was corrected (real processes, the clock moved
/// with libfaketime): while it is ahead its work is held back and `field sync` says so (exit 5);
/// once corrected, new work is stamped by the right clock, what was stamped ahead is re-stamped,
/// and everything syncs at once.
final class FieldClockTests: XCTestCase {
    private var scenario: SyncScenario!
    private var audit: String { scenario.audit }

    override func setUpWithError() throws {
        scenario = try SyncScenario(prefix: "auditsync-clock")
    }

    override func tearDown() {
        scenario.stop()
        super.tearDown()
    }

    /// The `at` times the laptop's document shows, in seconds ahead of now.
    private func secondsAhead(_ document: String) throws -> [Double] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let pattern = try NSRegularExpression(pattern: "\"(?:at|updated)\": \"([^\"]+)\"")
        let text = document as NSString
        return pattern.matches(in: document, range: NSRange(location: 0, length: text.length)).compactMap { match in
            let value = text.substring(with: match.range(at: 1))
            return (formatter.date(from: value) ?? ISO8601DateFormatter().date(from: value)).map { $0.timeIntervalSinceNow }
        }
    }

    func testWorkStampedTwoDaysAheadIsHeldBackThenReStampedAndSyncedOnceTheClockIsRight() throws {
        let (server, port) = try scenario.serve()
        let (laptop, _) = try scenario.enroll("alice", port: port)
        XCTAssertEqual(try CLI.run(["field", "sync", "--data", laptop.path], timeout: 60).status, 0)

        // Two days ahead: the work is written, and held back by the central.
        for item in ["4.1", "4.2"] {
            let respond = try CLI.run(shiftedBy: "+2d", ["field", "respond", "--audit", audit, "--item", "iso42001:2023/\(item)",
                                                         "--result", "conform", "--data", laptop.path])
            XCTAssertEqual(respond.status, 0, "\(respond)")
        }
        let ahead = try CLI.run(shiftedBy: "+2d", ["field", "sync", "--json", "--data", laptop.path], timeout: 60)
        XCTAssertEqual(ahead.status, 5, "held back is its own exit status: \(ahead)")
        XCTAssertEqual((try jsonObject(ahead)["postponed"] as? [Any])?.count, 6, "two results, three fields each: \(ahead)")
        XCTAssertTrue(ahead.stderr.contains("clock"), ahead.stderr)
        XCTAssertFalse(try scenario.centralDocument().contains("\"result\": \"conform\""), "nothing of it was taken")

        // The clock is right again: new work follows it, and the old work is re-stamped.
        let respond = try CLI.run(["field", "respond", "--audit", audit, "--item", "iso42001:2023/4.3", "--result", "conform",
                                   "--data", laptop.path])
        XCTAssertEqual(respond.status, 0, "\(respond)")
        let document = try CLI.run(["field", "audit", "show", "--audit", audit, "--json", "--data", laptop.path]).stdout
        let times = try secondsAhead(document)
        XCTAssertFalse(times.isEmpty)
        XCTAssertTrue(times.allSatisfy { $0 < 600 }, "nothing is stamped ahead any more: \(times)")
        let synced = try CLI.run(["field", "sync", "--json", "--data", laptop.path], timeout: 60)
        XCTAssertEqual(synced.status, 0, "\(synced)\n\(server.transcript)")
        XCTAssertEqual(try jsonObject(synced)["sent"] as? Int, 9, "three results, three fields each: \(synced)")
        XCTAssertEqual(try CLI.run(["field", "audit", "show", "--audit", audit, "--json", "--data", laptop.path]).stdout,
                       try scenario.centralDocument())
        XCTAssertEqual(try FieldNode(at: laptop).store.restamps().count, 6, "the two results stamped ahead were re-stamped")
    }
}
