import Foundation
import XCTest

/// A central that cannot store an upload (its disk full, its evidence directory unusable) says
/// so with `storageFull` (12), logged as its own storage problem: the laptop did nothing wrong,
/// and syncs again later. Only real protocol violations close with `malformedMessage` (4).
extension EvidenceFaultTests {
    func testAnUploadTheCentralCannotWriteClosesWithStorageFullNotAMalformedMessage() throws {
        let alice = try enroll("alice")
        _ = try sync(alice)
        let photo = try attachPhoto(on: alice)
        // `blobs/tmp` is a file: no temporary can be made there, as on a broken disk. (Taking
        // away write permission would not do: the tests may run as root.)
        let tmp = data.appending(path: "blobs/tmp")
        try FileManager.default.createDirectory(at: tmp.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: tmp)
        try Data().write(to: tmp)

        let failed = try CLI.run(["field", "sync", "--data", alice.path])
        try assertStorageFull(failed)
        XCTAssertFalse(FileManager.default.fileExists(atPath: blobFile(photo.sha256, in: data).path))

        try FileManager.default.removeItem(at: tmp)
        XCTAssertEqual(try sync(alice).summary["blobs"] as? Int, 1, "once the operator fixed it, the next sync uploads it")
        XCTAssertTrue(intact(photo.sha256, in: data))
    }

    func testAFullCentralDiskDuringAnUploadClosesWithStorageFull() throws {
        // A real full disk: the central runs in its own mount namespace with a 256 KiB tmpfs as
        // its `blobs/`, and the upload is 1 MiB. Needs the right to mount (root, CAP_SYS_ADMIN).
        let blobs = data.appending(path: "blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        let wrapper = ["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                       "mount -t tmpfs -o size=256k auditsync-full \"$0\" && exec \"$@\"", blobs.path]
        guard FileManager.default.isExecutableFile(atPath: wrapper[0]),
              try CLI.runProgram(wrapper + ["/bin/true"]) == 0 else {
            throw XCTSkip("cannot mount a small file system here (needs unshare and CAP_SYS_ADMIN); "
                          + "testAnUploadTheCentralCannotWriteClosesWithStorageFullNotAMalformedMessage covers the mapping")
        }
        let alice = try enroll("alice")
        _ = try sync(alice)
        server?.kill()
        try serve(wrapper: wrapper)
        let photo = try attachPhoto(on: alice, size: 1 << 20)

        let failed = try CLI.run(["field", "sync", "--data", alice.path])
        try assertStorageFull(failed)
        // The tmpfs is visible only inside the server's namespace: look through its root.
        let inside = URL(fileURLWithPath: "/proc/\(server!.pid)/root" + blobs.path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: inside.appending(path: "tmp").path), [],
                       "nothing of the failed upload is kept")
        XCTAssertFalse(FileManager.default.fileExists(atPath: inside.appending(path: "sha256/\(photo.sha256.prefix(2))").path))
        XCTAssertTrue(server!.isRunning, "the central keeps serving")
    }

    /// The laptop's sync failed in the central's words, and the central logged its own storage
    /// problem with code 12, not a malformed message from the laptop.
    private func assertStorageFull(_ failed: CLIResult, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(failed.status, 4, "the central cannot take it now: exit 4\n\(failed)", file: file, line: line)
        XCTAssertTrue(failed.stderr.contains("error:") && failed.stderr.contains("disk is full"), "\(failed)", file: file, line: line)
        let server = try XCTUnwrap(server, file: file, line: line)
        XCTAssertNotNil(server.stderrLine(containing: "storageFull (12)", timeout: 5), server.transcript, file: file, line: line)
        XCTAssertNotNil(server.stderrLine(containing: "cannot store evidence", timeout: 5), server.transcript, file: file, line: line)
        XCTAssertFalse(server.stderr.contains("malformedMessage"), server.transcript, file: file, line: line)
    }
}
