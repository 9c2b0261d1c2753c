import FieldNode
import Foundation
import MergeCore
import ReplicaStore
import XCTest

/// `field check`: every evidence file re-hashed and the database's integrity checked, damaged
/// evidence set aside, and the auditor told what to do; exit 1 when it found damage.
extension EvidenceFaultTests {
    func testFieldCheckSetsADamagedCopyAsideAndTheNextSyncBringsItDownAgain() throws {
        let alice = try enroll("alice"), bob = try enroll("bob")
        _ = try sync(alice)
        let photo = try attachPhoto(on: alice)
        _ = try sync(alice)
        XCTAssertEqual(try sync(bob).summary["blobs"] as? Int, 1)

        let healthy = try CLI.run(["field", "check", "--json", "--data", bob.path])
        XCTAssertEqual(healthy.status, 0, "\(healthy)")
        let document = try jsonObject(healthy)
        XCTAssertEqual(document["database"] as? String, "ok")
        XCTAssertEqual(document["evidence"] as? Int, 1)
        XCTAssertEqual((document["quarantined"] as? [Any])?.count, 0)
        let text = try CLI.run(["field", "check", "--data", bob.path])
        assertSuccess(text)
        XCTAssertEqual(text.stdout, "ok: the database and 1 evidence file are intact\n")

        // Bob's copy rots: the check finds it, sets it aside, and says what comes next.
        let damaged = try damage(photo.sha256, in: bob)
        let found = try CLI.run(["field", "check", "--json", "--data", bob.path])
        XCTAssertEqual(found.status, 1, "damage found is exit 1\n\(found)")
        let report = try jsonObject(found)
        XCTAssertEqual(report["database"] as? String, "ok")
        XCTAssertEqual(report["evidence"] as? Int, 1)
        let entry = try XCTUnwrap((report["quarantined"] as? [[String: Any]])?.first, "\(report)")
        XCTAssertEqual(entry["state"] as? String, "quarantined")
        XCTAssertEqual((entry["evidence"] as? [[String: Any]])?.first?["id"] as? String, photo.evidence)
        let advice = try XCTUnwrap(entry["advice"] as? String)
        XCTAssertTrue(advice.contains("the next `auditsync field sync` brings it down again if the central has it"), advice)
        XCTAssertTrue(advice.contains("auditsync field evidence add --audit \(Self.audit) --finding \(photo.finding) whiteboard.jpg"),
                      advice)
        XCTAssertEqual(quarantine(of: bob).count, 1)
        XCTAssertEqual(try Data(contentsOf: bob.appending(path: "blobs/quarantine/\(quarantine(of: bob)[0])")), damaged)

        let restored = try sync(bob)
        XCTAssertEqual(restored.summary["blobs"] as? Int, 1, "a good copy comes down again")
        XCTAssertEqual((restored.summary["quarantined"] as? [[String: Any]])?.first?["state"] as? String, "restored")
        XCTAssertTrue(restored.stderr.contains("a good copy came down again from the central"), restored.stderr)
        XCTAssertTrue(intact(photo.sha256, in: bob))
        XCTAssertEqual(try CLI.run(["field", "check", "--data", bob.path]).status, 0)
    }

    func testFieldCheckOfADamagedDatabaseSaysToStopAndRestoreOrEnrollAgain() throws {
        let alice = try enroll("alice")
        _ = try sync(alice)
        do {
            // Closed before the damage: its last connection checkpoints the log into the file.
            let node = try FieldNode(at: alice)
            for batch in 0..<4 {
                _ = try node.store.write((0..<500).map {
                    FieldWrite("note", "\(Self.audit)/N-\(batch)-\($0)", "text", .text(String(repeating: "observed ", count: 20)))
                })
            }
        }
        let file = alice.appending(path: FieldNode.databaseName)
        XCTAssertEqual(try SQLiteCheck.integrity(of: file), "ok")
        // Garbage over a page in the middle of the file: a disk gone bad under the database.
        let handle = try FileHandle(forUpdating: file)
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2 / 4096 * 4096)
        try handle.write(contentsOf: Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }))
        try handle.close()

        let result = try CLI.run(["field", "check", "--data", alice.path])
        XCTAssertEqual(result.status, 1, "\(result)")
        XCTAssertTrue(result.stdout.contains("database \(FieldNode.databaseName) is damaged"), result.stdout)
        XCTAssertTrue(result.stdout.contains("stop working on this laptop"), result.stdout)
        XCTAssertTrue(result.stdout.contains("auditsync field init --token"), result.stdout)
        let json = try CLI.run(["field", "check", "--json", "--data", alice.path])
        XCTAssertEqual(json.status, 1, "\(json)")
        XCTAssertEqual(try jsonObject(json)["database"] as? String, "damaged")
    }

    func testFieldCheckWithoutAFieldNodeIsAClearError() throws {
        let result = try CLI.run(["field", "check", "--data", scratch.appending("nobody").path])
        XCTAssertTrue(assertFailure(result, status: 1).hasPrefix("error: no field node in"), "\(result)")
    }
}

/// `central check`: the same checks on the central's data directory, while it serves.
extension EvidenceFaultTests {
    func testCentralCheckSetsADamagedBlobAsideAndTheAuthorsNextSyncUploadsItAgain() throws {
        let alice = try enroll("alice")
        _ = try sync(alice)
        let photo = try attachPhoto(on: alice)
        _ = try sync(alice)
        let healthy = try CLI.run(["central", "check", "--data", data.path])
        assertSuccess(healthy)
        XCTAssertEqual(healthy.stdout, "ok: the database, 1 evidence file and the documents of 0 decided audits are intact\n")

        let damaged = try damage(photo.sha256, in: data)
        let found = try CLI.run(["central", "check", "--json", "--data", data.path])
        XCTAssertEqual(found.status, 1, "\(found)")
        let report = try jsonObject(found)
        XCTAssertEqual(report["database"] as? String, "ok")
        XCTAssertEqual(report["evidence"] as? Int, 1)
        let entry = try XCTUnwrap((report["quarantined"] as? [[String: Any]])?.first, "\(report)")
        XCTAssertEqual(entry["sha256"] as? String, photo.sha256)
        let kept = try XCTUnwrap(entry["kept_at"] as? String)
        XCTAssertTrue(kept.hasPrefix("blobs/quarantine/\(photo.sha256)-"), kept)
        XCTAssertEqual(try Data(contentsOf: data.appending(path: kept)), damaged)

        XCTAssertEqual(try sync(alice).summary["blobs"] as? Int, 1, "the central lacks it now, so asks alice for it")
        XCTAssertTrue(intact(photo.sha256, in: data))
        assertSuccess(try CLI.run(["central", "check", "--data", data.path]))
    }
}
