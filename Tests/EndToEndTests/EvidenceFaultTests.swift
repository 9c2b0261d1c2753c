import CentralNode
import FieldNode
import Foundation
import ReplicaStore
import XCTest

/// Evidence files under faults, end to end. A blob whose bytes no longer hash to its name (bit
/// rot, a tool that touched it) on a laptop or at the central is set aside under
/// `blobs/quarantine/`, never sent, answered `missing`, and reported; the rest of the sync
/// completes, and the file comes back from whoever still holds a good copy. A central that cannot
/// store an upload says its disk is full; temporaries a killed process left are cleaned up.
final class EvidenceFaultTests: XCTestCase {
    var server: ServerProcess?
    var scratch: ScratchDirectory!
    var data: URL!
    var port: UInt16 = 0
    static let audit = "A-2026-0001"

    override func setUpWithError() throws {
        scratch = try ScratchDirectory(prefix: "auditsync-evidence")
        data = scratch.appending("central")
        for step: [String] in [
            ["init", "--name", "Evidence Test Body", "--listen", "127.0.0.1:0"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso42001:2023"],
            ["auditor", "add", "--id", "bob", "--name", "Bob Osei"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin"],
            ["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
             "--scope", "AI hiring assistants", "--lead", "alice", "--auditor", "bob"],
        ] {
            let result = try CLI.run(["central"] + step + ["--data", data.path])
            XCTAssertEqual(result.status, 0, "\(step)\n\(result)")
        }
        try serve()
    }

    override func tearDown() {
        if let server, server.isRunning { server.kill() }
        super.tearDown()
    }

    /// Starts `central serve` on `port` (0 at first: a free one, kept for the laptops' tokens),
    /// through `wrapper` if given.
    func serve(wrapper: [String] = []) throws {
        let process = try ServerProcess(["central", "serve", "--listen", "127.0.0.1:\(port)", "--data", data.path],
                                        wrapper: wrapper)
        server = process
        let line = try XCTUnwrap(process.firstStdoutLine(timeout: 15), process.transcript)
        port = try XCTUnwrap(line.split(separator: ":").last.flatMap { UInt16($0) })
    }

    func enroll(_ auditor: String) throws -> URL {
        let token = try CLI.run(["central", "enroll", "--auditor", auditor, "--address", "127.0.0.1:\(port)", "--json",
                                 "--data", data.path])
        let text = try XCTUnwrap(try jsonObject(token)["token"] as? String)
        let laptop = scratch.appending(auditor)
        XCTAssertEqual(try CLI.run(["field", "init", "--token", text, "--data", laptop.path]).status, 0)
        return laptop
    }

    /// `field sync --json`, which must succeed; its stderr and parsed summary.
    func sync(_ laptop: URL, file: StaticString = #filePath, line: UInt = #line) throws -> (summary: [String: Any], stderr: String) {
        let result = try CLI.run(["field", "sync", "--json", "--data", laptop.path])
        let summary = try jsonObject(result, file: file, line: line)
        // Evidence that must be added again is work held back: exit 5, not 0.
        let lost = (summary["quarantined"] as? [[String: Any]] ?? []).contains { $0["state"] as? String == "lost" }
        XCTAssertEqual(result.status, lost ? 5 : 0, "\(result)\n\(server?.transcript ?? "")", file: file, line: line)
        return (summary, result.stderr)
    }

    /// A finding with a photo attached, on `laptop`; the photo's path, bytes and SHA-256, and
    /// the ids of the finding and the evidence.
    func attachPhoto(on laptop: URL, size: Int = 300_000) throws
        -> (file: URL, bytes: Data, sha256: String, finding: String, evidence: String) {
        let photo = scratch.appending("whiteboard.jpg")
        // Built from one 64 KiB pattern: a large file in a debug build without a per-byte loop.
        let pattern = Data((0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) })
        var bytes = Data(capacity: size + pattern.count)
        while bytes.count < size { bytes.append(pattern) }
        bytes = bytes.prefix(size)
        try bytes.write(to: photo)
        let node = try FieldNode(at: laptop)
        let before = Set(try node.referencedBlobsForTesting())
        let replica = try node.replica()
        let finding = try replica.addFinding(audit: Self.audit, item: "iso42001:2023/4.1", grade: .minor,
                                             statement: "Risk criteria undefined")
        let evidence = try replica.addEvidence(audit: Self.audit, finding: finding, file: photo)
        let sha256 = try XCTUnwrap(Set(try node.referencedBlobsForTesting()).subtracting(before).first)
        return (photo, bytes, sha256, finding, evidence)
    }

    /// Where a node keeps the blob named `sha256`.
    func blobFile(_ sha256: String, in directory: URL) -> URL {
        directory.appending(path: "blobs/sha256/\(sha256.prefix(2))/\(sha256)")
    }

    /// Flips one byte in the middle of a stored blob, as bit rot would; returns the damaged bytes.
    @discardableResult
    func damage(_ sha256: String, in directory: URL) throws -> Data {
        let file = blobFile(sha256, in: directory)
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: file)
        return bytes
    }

    /// The files set aside in a node's `blobs/quarantine/`, sorted.
    func quarantine(of directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.appending(path: "blobs/quarantine").path)) ?? []).sorted()
    }

    func intact(_ sha256: String, in directory: URL) -> Bool {
        EvidenceStore(root: directory.appending(path: "blobs")).verify(sha256)
    }

    // MARK: A damaged file on a laptop

    func testADamagedEvidenceFileOnALaptopIsQuarantinedAndTheRestOfTheSyncCompletes() throws {
        let alice = try enroll("alice")
        _ = try sync(alice)
        let photo = try attachPhoto(on: alice)
        try FieldNode(at: alice).replica().recordResult(audit: Self.audit, item: "iso42001:2023/4.2", result: .conform, note: nil)
        let damaged = try damage(photo.sha256, in: alice)

        let first = try sync(alice)
        XCTAssertGreaterThan(first.summary["sent"] as? Int ?? 0, 0, "the team's work still goes up")
        XCTAssertEqual(first.summary["blobs"] as? Int, 0, "nothing damaged is sent")
        let central = try CLI.run(["central", "audit", "show", "--audit", Self.audit, "--json", "--data", data.path]).stdout
        XCTAssertTrue(central.contains("\"result\": \"conform\""), central)
        XCTAssertFalse(FileManager.default.fileExists(atPath: blobFile(photo.sha256, in: data).path), "the central stored nothing of it")

        // Set aside, bytes kept for forensics, under its name and the time.
        let kept = quarantine(of: alice)
        XCTAssertEqual(kept.count, 1, "\(kept)")
        guard kept.count == 1 else { return }
        XCTAssertTrue(kept[0].hasPrefix(photo.sha256 + "-"), kept[0])
        XCTAssertEqual(try Data(contentsOf: alice.appending(path: "blobs/quarantine/\(kept[0])")), damaged)
        XCTAssertFalse(FileManager.default.fileExists(atPath: blobFile(photo.sha256, in: alice).path))

        // The central has no copy either: the auditor is told what to add again, and how.
        let reported = try XCTUnwrap(first.summary["quarantined"] as? [[String: Any]])
        XCTAssertEqual(reported.count, 1, "\(reported)")
        XCTAssertEqual(reported.first?["sha256"] as? String, photo.sha256)
        XCTAssertEqual(reported.first?["state"] as? String, "lost")
        XCTAssertEqual(reported.first?["kept_at"] as? String, "blobs/quarantine/\(kept[0])")
        let record = try XCTUnwrap((reported.first?["evidence"] as? [[String: Any]])?.first)
        XCTAssertEqual(record["audit"] as? String, Self.audit)
        XCTAssertEqual(record["id"] as? String, photo.evidence)
        XCTAssertEqual(record["name"] as? String, "whiteboard.jpg")
        XCTAssertEqual(record["finding"] as? String, photo.finding)
        let advice = try XCTUnwrap(first.stderr.split(separator: "\n").first { $0.contains(photo.evidence) }, first.stderr)
        XCTAssertTrue(advice.contains("whiteboard.jpg") && advice.contains("audit \(Self.audit)") && advice.contains("damaged"), String(advice))
        XCTAssertTrue(advice.contains("auditsync field evidence add --audit \(Self.audit) --finding \(photo.finding) whiteboard.jpg"),
                      String(advice))

        // Later syncs complete too, and keep reminding; nothing more is set aside.
        let second = try sync(alice)
        XCTAssertEqual((second.summary["quarantined"] as? [[String: Any]])?.first?["state"] as? String, "lost")
        XCTAssertTrue(second.stderr.contains("auditsync field evidence add --audit \(Self.audit)"), second.stderr)
        XCTAssertEqual(quarantine(of: alice).count, 1)

        // The auditor adds the original again: it goes up, and the reminder stops.
        let added = try CLI.run(["field", "evidence", "add", "--audit", Self.audit, "--finding", photo.finding, photo.file.path,
                                 "--data", alice.path])
        XCTAssertEqual(added.status, 0, "\(added)")
        let third = try sync(alice)
        XCTAssertEqual(third.summary["blobs"] as? Int, 1, "\(third)")
        XCTAssertEqual((third.summary["quarantined"] as? [[String: Any]])?.count, 0)
        XCTAssertTrue(intact(photo.sha256, in: data))
    }

    // MARK: A damaged file at the central

    func testADamagedEvidenceFileAtTheCentralIsQuarantinedAndUploadedAgainByTheNextLaptopThatOffersIt() throws {
        let alice = try enroll("alice"), bob = try enroll("bob")
        _ = try sync(alice)
        let photo = try attachPhoto(on: alice)
        XCTAssertEqual(try sync(alice).summary["blobs"] as? Int, 1)
        let damaged = try damage(photo.sha256, in: data)

        // Bob asks for it: the central finds it damaged, keeps it aside, and says `missing`.
        let first = try sync(bob)
        XCTAssertGreaterThan(first.summary["received"] as? Int ?? 0, 0, "bob gets alice's finding")
        XCTAssertEqual(first.summary["blobs"] as? Int, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: blobFile(photo.sha256, in: bob).path), "nothing damaged arrives")
        XCTAssertTrue(first.stderr.contains("evidence \(photo.sha256) is not at the central yet"), first.stderr)
        let kept = quarantine(of: data)
        XCTAssertEqual(kept.count, 1, "\(kept)")
        guard kept.count == 1 else { return }
        XCTAssertTrue(kept[0].hasPrefix(photo.sha256 + "-"), kept[0])
        XCTAssertEqual(try Data(contentsOf: data.appending(path: "blobs/quarantine/\(kept[0])")), damaged)
        XCTAssertNotNil(server?.stderrLine(containing: "damaged", timeout: 5), server?.transcript ?? "")

        // Alice's laptop offers it at her next sync: the central lacks it, so asks for it again.
        XCTAssertEqual(try sync(alice).summary["blobs"] as? Int, 1, "the good copy goes up again")
        XCTAssertTrue(intact(photo.sha256, in: data))
        XCTAssertEqual(try sync(bob).summary["blobs"] as? Int, 1, "and comes down to bob")
        XCTAssertTrue(intact(photo.sha256, in: bob))
    }
}
