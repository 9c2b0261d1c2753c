import CentralNode
import FieldNode
import Foundation
import Glibc
import ReplicaStore
import SQLiteKit
import XCTest

/// A central restored from a backup taken while laptops were syncing: every record a laptop had
/// acknowledged comes back, the team's later work reaches every laptop, and every copy of the
/// audit ends identical. Real processes: `central serve`, `central backup`, `central restore`,
/// `field sync`.
final class CentralRestoreTests: XCTestCase {
    private var scenario: SyncScenario!
    private var data: URL { scenario.data }
    private var scratch: ScratchDirectory { scenario.scratch }
    private var audit: String { scenario.audit }

    override func setUpWithError() throws {
        scenario = try SyncScenario(prefix: "auditsync-restore", team: [("bob", "Bob Stone")])
    }

    override func tearDown() {
        scenario.stop()
        super.tearDown()
    }

    private func serve(port: UInt16 = 0) throws -> (ServerProcess, UInt16) { try scenario.serve(port: port) }

    private func enroll(_ auditor: String, port: UInt16) throws -> URL { try scenario.enroll(auditor, port: port).0 }

    @discardableResult
    private func sync(_ laptop: URL, _ server: ServerProcess) throws -> [String: Any] {
        let result = try CLI.run(["field", "sync", "--json", "--data", laptop.path], timeout: 120)
        XCTAssertEqual(result.status, 0, "\(result)\n\(server.transcript)")
        return try jsonObject(result)
    }

    private func addFindings(_ laptop: URL, _ count: Int, _ label: String) throws {
        let replica = try FieldNode(at: laptop).replica()
        for index in 0..<count {
            _ = try replica.addFinding(audit: audit, item: "iso42001:2023/6.1.2", grade: .minor,
                                       statement: "\(label) \(index)")
        }
    }

    private func centralDocument() throws -> String { try scenario.centralDocument() }

    private func fieldDocument(_ laptop: URL) throws -> String {
        try FieldNode(at: laptop).replica().document(audit: audit).encoded(pretty: true) + "\n"
    }

    func testARestoredCentralGetsBackEveryAcknowledgedRecordAndEveryCopyConverges() throws {
        var (server, port) = try serve()
        let alice = try enroll("alice", port: port)
        let bob = try enroll("bob", port: port)
        try sync(alice, server)
        try addFindings(alice, 200, "before the backup")
        try sync(alice, server)
        try sync(bob, server)

        // The backup is taken while Alice's next sync runs.
        try addFindings(alice, 300, "during the backup")
        let running = try scenario.start(["field", "sync", "--data", alice.path])
        let backup = scratch.appending("central.tar")
        XCTAssertEqual(try CLI.run(["central", "backup", "--out", backup.path, "--data", data.path]).status, 0)
        XCTAssertEqual(running.waitForExit(timeout: 60), 0, running.transcript)

        // After the backup: Alice's work is acknowledged, Bob receives it and adds his own, which
        // Alice receives in turn. Then the central is lost.
        try addFindings(alice, 30, "after the backup")
        try sync(alice, server)
        try addFindings(bob, 20, "bob after the backup")
        // Evidence too: a photo of Bob's, which Alice's laptop fetches.
        let photo = scratch.appending("whiteboard.jpg")
        try Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: photo)
        _ = try FieldNode(at: bob).replica().addEvidence(audit: audit, finding: nil, file: photo)
        try sync(bob, server)
        try sync(alice, server)
        let blob = try XCTUnwrap(try FieldNode(at: alice).referencedBlobsForTesting().first)
        let acknowledged = try centralDocument()
        XCTAssertEqual(try fieldDocument(alice), acknowledged)
        server.send(signal: SIGKILL)
        _ = server.waitForExit(timeout: 10)

        let restore = try CLI.run(["central", "restore", "--from", backup.path, "--replace", "--json", "--data", data.path])
        XCTAssertEqual(restore.status, 0, "\(restore)")
        XCTAssertNotEqual(try centralDocument(), acknowledged, "the backup predates the last work")
        (server, port) = try serve(port: port)

        // Bob's laptop is away; Alice's alone gives back her own work and Bob's.
        let first = try sync(alice, server)
        XCTAssertGreaterThanOrEqual(first["sent"] as? Int ?? 0, 1, "\(first)")
        XCTAssertGreaterThan(first["relayed"] as? Int ?? 0, 0, "Bob's records went up from Alice's laptop: \(first)")
        XCTAssertEqual(try centralDocument(), acknowledged, "every acknowledged record is back\n\(server.transcript)")
        XCTAssertTrue(EvidenceStore(root: data.appending(path: "blobs")).verify(blob), "Bob's photo came back from Alice's laptop")

        // The team goes on: Bob's new findings reach Alice although her cursor predates the restore.
        try addFindings(bob, 60, "bob after the restore")
        let bobs = try sync(bob, server)
        XCTAssertLessThan(bobs["received"] as? Int ?? .max, 2000, "nothing comes down twice in bulk: \(bobs)")
        let again = try sync(alice, server)
        XCTAssertGreaterThanOrEqual(again["received"] as? Int ?? 0, 60, "\(again)")
        let final = try centralDocument()
        XCTAssertEqual(try fieldDocument(alice), final)
        XCTAssertEqual(try fieldDocument(bob), final)
        XCTAssertTrue(final.contains("bob after the restore 59"))
        for file in [data.appending(path: "central.sqlite"), alice.appending(path: "field.sqlite"), bob.appending(path: "field.sqlite")] {
            XCTAssertEqual(try SQLiteCheck.integrity(of: file), "ok", file.path)
        }
    }

    func testARestoreRefusesADirectoryInUseOrNotEmptyAndADamagedBackupChangesNothing() throws {
        let (server, _) = try serve()
        let backup = scratch.appending("central.tar")
        XCTAssertEqual(try CLI.run(["central", "backup", "--out", backup.path, "--data", data.path]).status, 0)
        let notEmpty = try CLI.run(["central", "restore", "--from", backup.path, "--data", data.path])
        XCTAssertEqual(notEmpty.status, 1)
        XCTAssertTrue(notEmpty.stderr.contains("--replace"), notEmpty.stderr)
        let inUse = try CLI.run(["central", "restore", "--from", backup.path, "--replace", "--data", data.path])
        XCTAssertEqual(inUse.status, 1)
        XCTAssertTrue(inUse.stderr.contains("central serve` is running"), inUse.stderr)
        server.send(signal: SIGTERM)
        _ = server.waitForExit(timeout: 10)

        // A damaged archive: refused, and the directory it was meant for is not created.
        var bytes = try Data(contentsOf: backup)
        bytes[600] ^= 0xFF
        let damaged = scratch.appending("damaged.tar")
        try bytes.prefix(bytes.count / 2).write(to: damaged)
        let target = scratch.appending("elsewhere")
        let refused = try CLI.run(["central", "restore", "--from", damaged.path, "--data", target.path])
        XCTAssertEqual(refused.status, 1, "\(refused)")
        XCTAssertTrue(refused.stderr.contains("nothing was changed"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
        XCTAssertEqual(try scratch.entries().filter { $0.contains("restoring") }, [], "no half-restored directory is left")

        // The good one restores into a fresh directory, which serves.
        let restored = try CLI.run(["central", "restore", "--from", backup.path, "--data", target.path])
        XCTAssertEqual(restored.status, 0, "\(restored)")
        XCTAssertEqual(try CLI.run(["central", "audit", "show", "--audit", audit, "--json", "--data", target.path]).stdout,
                       try centralDocument())
    }
}
