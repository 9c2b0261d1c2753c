import AuditReplica
import CentralNode
import FieldNode
import Foundation
import ReplicaStore
import XCTest

/// A central whose disk fills during a push: it closes the session with `storageFull` (12), the
/// laptop says so in words and exits 4, nothing of the failed batch is half-kept at the central,
/// and nothing leaves the laptop's log.
final class CentralDiskFullTests: XCTestCase {
    private var scenario: SyncScenario!

    override func setUpWithError() throws {
        scenario = try SyncScenario(prefix: "auditsync-disk-full")
    }

    override func tearDown() {
        scenario.stop()
        super.tearDown()
    }

    private func bytes(under directory: URL) -> Int {
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.fileSizeKey])
        return (files?.allObjects as? [URL] ?? []).reduce(0) { $0 + ((try? $1.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0) }
    }

    func testAFullCentralDiskDuringAPushSaysSoAndLosesNothing() throws {
        var (server, port) = try scenario.serve()
        let (laptop, _) = try scenario.enroll("alice", port: port)
        XCTAssertEqual(try CLI.run(["field", "sync", "--data", laptop.path], timeout: 60).status, 0)
        server.send(signal: SIGTERM)
        XCTAssertEqual(server.waitForExit(timeout: 10), 0)

        // The central goes on from a copy of its data directory on a file system with 256 KiB to
        // spare, in a mount namespace of its own (needs the right to mount: root, CAP_SYS_ADMIN).
        let small = scenario.scratch.appending("small")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        let size = (bytes(under: scenario.data) + 256 * 1024) / 1024
        let wrapper = ["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                       "mount -t tmpfs -o size=\(size)k auditsync-full \"$0\" && cp -a \"$1\"/. \"$0\"/ && shift && exec \"$@\"",
                       small.path, scenario.data.path]
        guard FileManager.default.isExecutableFile(atPath: wrapper[0]),
              try CLI.runProgram(["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                                  "mount -t tmpfs -o size=64k auditsync-probe \"$0\"", small.path]) == 0 else {
            throw XCTSkip("cannot mount a small file system here (needs unshare and CAP_SYS_ADMIN)")
        }
        let node = try FieldNode(at: laptop)
        // 5,000 notes as the laptop writes them (an id `MemberID` draws, the text, its author):
        // 10,000 records, each note one change.
        for _ in 0..<5_000 {
            let key = "\(scenario.audit)/\(MemberID.make(prefix: "N"))"
            try node.store.write([FieldWrite("note", key, "text", .text(String(repeating: "observed ", count: 24))),
                                  FieldWrite("note", key, "by", .text("alice"))])
        }
        let before = try node.store.recordCount()
        server = try ServerProcess(["central", "serve", "--listen", "127.0.0.1:\(port)", "--data", small.path], wrapper: wrapper)
        defer { server.kill() }
        XCTAssertNotNil(server.firstStdoutLine(timeout: 15), server.transcript)

        let failed = try CLI.run(["field", "sync", "--json", "--data", laptop.path], timeout: 60)
        XCTAssertEqual(failed.status, 4, "the central cannot take it now: \(failed)\n\(server.transcript)")
        XCTAssertTrue(failed.stderr.contains("disk is full") && failed.stderr.contains("nothing was lost"), failed.stderr)
        XCTAssertNotNil(server.stderrLine(containing: "disk is full", timeout: 5), server.transcript)
        XCTAssertTrue(server.isRunning, "the central keeps serving")
        XCTAssertEqual(try FieldNode(at: laptop).store.recordCount(), before, "nothing left the laptop's log")
        // The same push, once there is room again (the central's own data directory): all of it.
        server.kill()
        (server, port) = try scenario.serve(port: port)
        let synced = try CLI.run(["field", "sync", "--json", "--data", laptop.path], timeout: 60)
        XCTAssertEqual(synced.status, 0, "\(synced)")
        XCTAssertEqual(try jsonObject(synced)["sent"] as? Int, 10_000)
        XCTAssertEqual(try SQLiteCheck.integrity(of: scenario.data.appending(path: Central.databaseName)), "ok")
    }
}
