import CentralNode
import FieldNode
import Foundation
import Glibc
import ReplicaStore
import XCTest

/// A link that drops again and again: a 100,000-record pull cut five times by a proxy (real
/// processes, real sockets) finishes, and what was committed before a cut is never sent again.
final class FieldSyncCutTests: XCTestCase {
    private var processes: [ServerProcess] = []
    private var scratch: ScratchDirectory!
    private var data: URL!
    static let records = 100_000

    override func setUpWithError() throws {
        scratch = try ScratchDirectory(prefix: "auditsync-cuts")
        data = scratch.appending("central")
        for step: [String] in [
            ["init", "--name", "Cut Test Body", "--listen", "127.0.0.1:0"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin"],
            ["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
             "--scope", "AI hiring assistants", "--lead", "alice"],
        ] {
            XCTAssertEqual(try CLI.run(["central"] + step + ["--data", data.path]).status, 0, "\(step)")
        }
        let central = try Central(opening: data)
        for batch in 0..<(Self.records / 1000) {
            try central.store.write((0..<1000).map { index in
                FieldWrite("note", "A-2026-0001/N-\(batch)-\(index)", "text", .text("observation \(batch).\(index)"))
            })
        }
    }

    override func tearDown() {
        for process in processes where process.isRunning { process.kill() }
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
        let server = try ServerProcess(["central", "serve", "--listen", "127.0.0.1:0", "--data", data.path])
        processes.append(server)
        let line = try XCTUnwrap(server.firstStdoutLine(timeout: 15), server.transcript)
        let port = try XCTUnwrap(line.split(separator: ":").last.flatMap { UInt16($0) })
        // The enrollment passes whole; then five sessions are cut after about 1 MB each.
        let proxy = try CuttingProxy(upstreamPort: port, cuts: [nil, 1_000_000, 1_300_000, 900_000, 1_100_000, 1_200_000, nil])
        defer { proxy.stop() }
        let token = try CLI.run(["central", "enroll", "--auditor", "alice", "--address", "127.0.0.1:\(proxy.port)", "--json",
                                 "--data", data.path])
        let laptop = scratch.appending("alice")
        XCTAssertEqual(try CLI.run(["field", "init", "--token", try XCTUnwrap(try jsonObject(token)["token"] as? String),
                                    "--data", laptop.path]).status, 0)
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
        let total = try Central(opening: data).store.recordCount()
        XCTAssertEqual(try FieldNode(at: laptop).store.recordCount(), total, "every record once, none twice")
        XCTAssertTrue(server.wait(timeout: 5) { self.recordsSent($0) >= total }, server.transcript)
        let sent = recordsSent(server)
        print("records sent over six sessions: \(sent) for \(total); committed after each cut: \(committed)")
        XCTAssertLessThan(sent, 110_000, "committed records are not sent again (sent \(sent), committed \(committed))")
        XCTAssertEqual(try SQLiteCheck.integrity(of: laptop.appending(path: "field.sqlite")), "ok")
    }
}
