import CentralNode
import TestSupport
import XCTest

/// How a cursor from an earlier log is read after restores: never past what the two logs share.
final class LogLineageTests: XCTestCase {
    func testACursorOfTheCurrentLogIsReadAsItIs() {
        let lineage = LogLineage(current: 7)
        XCTAssertTrue(lineage.translate(log: 7, cursor: 500) == (500, false))
        XCTAssertTrue(lineage.translate(log: 0, cursor: 500) == (500, false), "log 0: a node from before log ids")
    }

    func testACursorPastARestorePointIsMovedBackToIt() {
        let lineage = LogLineage(current: 1).restored(as: 2, backupEnd: 100)
        XCTAssertTrue(lineage.translate(log: 1, cursor: 150) == (100, true))
        XCTAssertTrue(lineage.translate(log: 1, cursor: 80) == (80, false), "before the restore point nothing changed")
        XCTAssertTrue(lineage.translate(log: 0, cursor: 150) == (100, true), "log 0 is the first log of the line")
        XCTAssertTrue(lineage.translate(log: 2, cursor: 150) == (150, false))
    }

    func testEveryRestoreOnTheWayCountsAndAForeignLogStartsOver() {
        let lineage = LogLineage(current: 1).restored(as: 2, backupEnd: 100).restored(as: 3, backupEnd: 60)
        XCTAssertTrue(lineage.translate(log: 1, cursor: 90) == (60, true))
        XCTAssertTrue(lineage.translate(log: 2, cursor: 90) == (60, true))
        XCTAssertTrue(lineage.translate(log: 2, cursor: 50) == (50, false))
        XCTAssertTrue(lineage.translate(log: 99, cursor: 50) == (0, true))
        XCTAssertTrue(lineage.translate(log: 99, cursor: 0) == (0, false))
    }

    func testTheLineageSurvivesItsTextForm() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<50 {
            var lineage = LogLineage(current: random.next())
            for _ in 0..<Int(random.next() % 4) { lineage = lineage.restored(as: random.next(), backupEnd: random.next() % 1_000_000) }
            XCTAssertEqual(LogLineage(current: lineage.current, ancestorsText: lineage.ancestorsText), lineage)
        }
        XCTAssertNil(LogLineage(current: 1, ancestorsText: "zz:1"))
    }

    /// Property: a translated cursor never exceeds the cursor given, nor any restore point after
    /// the node's log; and it moves back exactly when it changes.
    func testATranslatedCursorIsNeverPastWhatTheLogsShare() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let ids = (0..<5).map { _ in random.next() | 1 }
            var lineage = LogLineage(current: ids[0])
            var points: [UInt64] = []
            for id in ids.dropFirst() {
                let point = random.next() % 1000
                points.append(point)
                lineage = lineage.restored(as: id, backupEnd: point)
            }
            let from = Int(random.next() % 5)
            let cursor = random.next() % 1200
            let (read, movedBack) = lineage.translate(log: ids[from], cursor: cursor)
            let bound = points[from...].min() ?? .max
            XCTAssertEqual(read, min(cursor, bound))
            XCTAssertEqual(movedBack, read < cursor)
        }
    }
}
