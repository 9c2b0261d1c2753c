import Foundation
import XCTest
@testable import ReplicaStore
import TestSupport

/// The evidence store on its own: re-hashing stored blobs, setting damaged ones aside without
/// losing a byte, and the temporary files a crash leaves behind.
final class EvidenceStoreTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var store: EvidenceStore!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "auditsync-evidence")
        store = EvidenceStore(root: directory.url.appendingPathComponent("blobs"))
    }

    private func addFile(_ bytes: [UInt8]) throws -> EvidenceStore.Blob {
        let file = directory.url.appendingPathComponent("source-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        return try store.add(fileAt: file)
    }

    func testAStoredBlobIsIntactUntilItsBytesChangeAndAnAbsentOneIsAbsent() throws {
        let blob = try addFile(Array(repeating: 7, count: 600_000))   // more than one read piece
        XCTAssertEqual(store.condition(of: blob.sha256), .intact)
        XCTAssertTrue(store.verify(blob.sha256))
        let file = store.url(for: blob.sha256)
        var bytes = try Data(contentsOf: file)
        bytes[300_000] = 8
        try bytes.write(to: file)
        guard case .damaged(let actual) = store.condition(of: blob.sha256) else {
            return XCTFail("\(store.condition(of: blob.sha256))")
        }
        XCTAssertNotEqual(actual, blob.sha256)
        XCTAssertFalse(store.verify(blob.sha256))
        XCTAssertEqual(store.condition(of: String(repeating: "0", count: 64)), .absent)
    }

    func testQuarantineMovesTheBytesAsideUnderTheNameAndTimeAndNeverReplacesACopy() throws {
        let blob = try addFile([1, 2, 3])
        let other = try addFile([4, 5, 6])
        XCTAssertEqual(store.storedBlobs(), [blob.sha256, other.sha256].sorted())
        let instant = Date(timeIntervalSince1970: 1_795_000_000)   // 2026-11-18T11:06:40Z
        let first = try XCTUnwrap(try store.quarantine(blob.sha256, at: instant))
        XCTAssertEqual(first.lastPathComponent, "\(blob.sha256)-20261118T110640Z")
        XCTAssertEqual(try Data(contentsOf: first), Data([1, 2, 3]))
        XCTAssertFalse(store.contains(blob.sha256), "the store lacks it now, so a sync fetches it")
        XCTAssertEqual(store.storedBlobs(), [other.sha256])

        // The same blob damaged again within the same second: both copies are kept.
        _ = try addFile([1, 2, 3])
        let second = try XCTUnwrap(try store.quarantine(blob.sha256, at: instant))
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(store.quarantinedCopies(), [blob.sha256: [first, second]])
        XCTAssertNil(try store.quarantine(blob.sha256), "nothing to move")
    }

    // MARK: Temporary files

    /// A process that ran and is gone: its pid names no live process (until reused, long after).
    private func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    func testTemporariesAreNamedByTheirProcessAndOnlyThoseOfGoneProcessesAreRemoved() throws {
        let tmp = store.root.appendingPathComponent("tmp")
        let ours = try store.makeTemporaryFile()
        XCTAssertTrue(ours.lastPathComponent.hasPrefix("\(getpid())-"), ours.lastPathComponent)
        let dead = tmp.appendingPathComponent("\(try deadPID())-\(UUID().uuidString)")
        let oldNaming = tmp.appendingPathComponent(UUID().uuidString)   // before temporaries carried a pid
        let unknown = tmp.appendingPathComponent("notes.txt")
        for file in [dead, oldNaming, unknown] { try Data("partial".utf8).write(to: file) }

        XCTAssertEqual(store.removeAbandonedTemporaries(), 2)
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path).sorted()
        XCTAssertEqual(left, [ours.lastPathComponent, "notes.txt"].sorted(),
                       "a live process's temporary and a file it did not make stay")
        XCTAssertEqual(store.removeAbandonedTemporaries(), 0)
        XCTAssertEqual(EvidenceStore(root: directory.url.appendingPathComponent("nowhere")).removeAbandonedTemporaries(), 0)
    }
}
