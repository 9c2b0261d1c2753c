import CentralNode
import FieldNode
import Foundation
import Glibc
import ReplicaStore
import XCTest

/// A link that drops again and again: a 100,000-record pull cut five times by a proxy (real
/// processes, real sockets) finishes, and what was committed before a cut is never sent again.
final class FieldSyncCutTests: XCTestCase {
    private var scenario: SyncScenario!
    static let records = 100_000

    override func setUpWithError() throws {
        scenario = try SyncScenario(prefix: "auditsync-cuts")
        let central = try Central(opening: scenario.data)
        for batch in 0..<(Self.records / 1000) {
            try central.store.write((0..<1000).map { index in
                FieldWrite("note", "A-2026-0001/N-\(batch)-\(index)", "text", .text("observation \(batch).\(index)"))
            })
        }
    }

    override func tearDown() {
        scenario.stop()
        super.tearDown()
    }

    /// Records the central logged as streamed out, over every session so far.
    private func recordsSent(_ server: ServerProcess) -> Int {
        server.stderr.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: " records and "), line.contains("synced:"),
                  let out = line[range.upperBound...].range(of: "blobs in, ") else { return nil }
            return Int(line[out.upperBound...].prefix { $0.isNumber })
        }.reduce(0, +)
    }

    func testAPullCutFiveTimesFinishesWithoutSendingCommittedRecordsAgain() throws {
        let (server, port) = try scenario.serve()
        // The enrollment passes whole; then five sessions are cut after about 1 MB each.
        let proxy = try CuttingProxy(upstreamPort: port, cuts: [nil, 1_000_000, 1_300_000, 900_000, 1_100_000, 1_200_000, nil])
        defer { proxy.stop() }
        let (laptop, _) = try scenario.enroll("alice", port: proxy.port)
        var committed: [Int] = []
        for cut in 1...5 {
            let result = try CLI.run(["field", "sync", "--data", laptop.path], timeout: 120)
            XCTAssertEqual(result.status, 4, "cut \(cut) is a lost connection (exit 4): \(result)")
            XCTAssertTrue(result.stderr.contains("sync again"), result.stderr)
            committed.append(try FieldNode(at: laptop).store.recordCount())
        }
        XCTAssertEqual(committed, committed.sorted(), "every cut keeps what came before it")
        XCTAssertLessThan(committed.last!, Self.records, "the cuts came before the end: \(committed)")
        let finish = try CLI.run(["field", "sync", "--json", "--data", laptop.path], timeout: 120)
        XCTAssertEqual(finish.status, 0, "\(finish)\n\(server.transcript)")
        let total = try Central(opening: scenario.data).store.recordCount()
        XCTAssertEqual(try FieldNode(at: laptop).store.recordCount(), total, "every record once, none twice")
        XCTAssertTrue(server.wait(timeout: 5) { self.recordsSent($0) >= total }, server.transcript)
        let sent = recordsSent(server)
        print("records sent over six sessions: \(sent) for \(total); committed after each cut: \(committed)")
        XCTAssertLessThan(sent, 110_000, "committed records are not sent again (sent \(sent), committed \(committed))")
        XCTAssertEqual(try SQLiteCheck.integrity(of: laptop.appending(path: "field.sqlite")), "ok")
    }
}
