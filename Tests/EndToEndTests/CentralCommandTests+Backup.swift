import CentralNode
import Foundation
import ReplicaStore
import XCTest

/// `central backup`: a tar file that the system's `tar` restores into a working central, taken
/// while another connection keeps writing.
extension CentralCommandTests {
    private func tar(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    func testABackupTakenWhileWritingRestoresWithTarIntoTheSameCentral() throws {
        let (scratch, data) = try makeProgramme()
        let audit = try XCTUnwrap(try jsonObject(try createAudit(data))["id"] as? String)
        // Evidence, so the archive carries a blob.
        let node = try Central(opening: data)
        let photo = scratch.appending("photo.jpg")
        try Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: photo)
        let blob = try node.replica.evidence.add(fileAt: photo)
        _ = try node.signingKey()   // the certificate signing key is backed up with the rest

        // Another connection keeps committing while the backup runs.
        let stop = Flag()
        let writer = Thread {
            guard let writing = try? Central(opening: data) else { return }
            var index = 0
            while !stop.isSet {
                _ = try? writing.addClient(name: "Client \(index)", sites: ["Site \(index)"])
                index += 1
            }
        }
        writer.start()
        let out = scratch.appending("backup.tar")
        let result = try self.central(["backup", "--out", out.path, "--json"], data: data)
        stop.set()
        XCTAssertEqual(result.status, 0, "\(result)")
        let summary = try jsonObject(result)
        XCTAssertEqual(summary["blobs"] as? Int, 1)
        XCTAssertGreaterThan(summary["records"] as? Int ?? 0, 0)
        XCTAssertEqual(try permissions(out), 0o600, "the backup holds the central's key: owner-only")

        // The system's tar reads it; extracted, it is a central with the same key, audit and blob.
        let listing = try tar(["tf", out.path])
        XCTAssertEqual(listing.status, 0, listing.output)
        XCTAssertTrue(listing.output.contains("central.sqlite\n") && listing.output.contains("keys/noise-static.key\n"), listing.output)
        let restored = scratch.appending("restored")
        try FileManager.default.createDirectory(at: restored, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        XCTAssertEqual(try tar(["xf", out.path, "-C", restored.path]).status, 0)
        for key in ["keys/noise-static.key", "keys/certificate-signing.key"] {
            XCTAssertEqual(try Data(contentsOf: restored.appending(path: key)), try Data(contentsOf: data.appending(path: key)), key)
        }
        XCTAssertEqual(try self.central(["audit", "show", "--audit", audit, "--json"], data: restored).stdout,
                       try self.central(["audit", "show", "--audit", audit, "--json"], data: data).stdout)
        XCTAssertTrue(EvidenceStore(root: restored.appending(path: "blobs")).verify(blob.sha256))
        let check = try CLI.run(["central", "auditor", "add", "--id", "dave", "--name", "Dave", "--data", restored.path])
        XCTAssertEqual(check.status, 0, "the restored central works: \(check)")
        writer.cancel()
        withExtendedLifetime(scratch) {}
    }

    func testABackupNeverOverwritesAndLeavesNothingWhenItFails() throws {
        let (scratch, data) = try makeProgramme()
        let existing = scratch.appending("existing.tar")
        try Data("keep me".utf8).write(to: existing)
        let refused = try central(["backup", "--out", existing.path], data: data)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.hasPrefix("error: \(existing.path) already exists"), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: existing), Data("keep me".utf8))

        let nowhere = scratch.appending("no/such/folder/backup.tar")
        let failed = try central(["backup", "--out", nowhere.path], data: data)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.hasPrefix("error: the backup failed, and no backup file was left"), failed.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.hasPrefix(".backup") }, [],
                       "no snapshot left in the data directory")
        XCTAssertEqual(try central(["backup"], data: data).status, 2, "--out is required")
        withExtendedLifetime(scratch) {}
    }
}

/// A flag one thread sets and another reads.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
