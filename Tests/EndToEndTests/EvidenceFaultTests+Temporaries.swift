import Foundation
import Glibc
import XCTest

/// Partial blob files under `blobs/tmp/` that a killed process left: removed when `central serve`
/// or `field sync` starts, while a temporary that a live process is still writing (a concurrent
/// `field evidence add`) is left alone. Temporaries are named `<pid>-<uuid>` for this.
extension EvidenceFaultTests {
    func testTemporariesACentralKilledMidUploadLeftAreRemovedWhenItServesAgain() throws {
        let alice = try enroll("alice")
        _ = try sync(alice)
        _ = try attachPhoto(on: alice, size: 48 << 20)
        let tmp = data.appending(path: "blobs/tmp")
        let upload = try ServerProcess(["field", "sync", "--data", alice.path])
        defer { upload.kill() }
        let central = try XCTUnwrap(server)
        XCTAssertTrue(upload.wait(timeout: 60) { _ in !self.files(in: tmp).isEmpty }, upload.transcript)
        central.send(signal: SIGKILL)
        _ = central.waitForExit(timeout: 5)
        XCTAssertEqual(upload.waitForExit(timeout: 15), 4, upload.transcript)
        let partial = files(in: tmp)
        XCTAssertEqual(partial.count, 1, "the kill left the upload's partial file\n\(partial)")
        XCTAssertTrue(partial.first?.hasPrefix("\(central.pid)-") == true, "\(partial)")

        let (live, writer) = try liveTemporary(in: tmp)
        defer { writer.terminate() }
        let oldNaming = UUID().uuidString
        try Data("left by an older version".utf8).write(to: tmp.appending(path: oldNaming))
        try serve()
        XCTAssertEqual(files(in: tmp), [live], "only the live process's temporary is left")
        XCTAssertNotNil(server?.stderrLine(containing: "removed 2 temporary files", timeout: 5), server?.transcript ?? "")
        XCTAssertEqual(try sync(alice).summary["blobs"] as? Int, 1, "the upload finishes")
    }

    func testTemporariesALaptopKilledMidDownloadLeftAreRemovedAtItsNextSync() throws {
        let alice = try enroll("alice"), bob = try enroll("bob")
        _ = try sync(alice)
        _ = try attachPhoto(on: alice, size: 48 << 20)
        _ = try sync(alice)
        let tmp = bob.appending(path: "blobs/tmp")
        let download = try ServerProcess(["field", "sync", "--data", bob.path])
        defer { download.kill() }
        XCTAssertTrue(download.wait(timeout: 60) { _ in !self.files(in: tmp).isEmpty }, download.transcript)
        download.send(signal: SIGKILL)
        _ = download.waitForExit(timeout: 5)
        XCTAssertEqual(files(in: tmp).count, 1, "the kill left the download's partial file")

        let (live, writer) = try liveTemporary(in: tmp)
        defer { writer.terminate() }
        let finished = try sync(bob)
        XCTAssertEqual(finished.summary["blobs"] as? Int, 1, "the download finishes")
        XCTAssertEqual(files(in: tmp), [live], "only the live process's temporary is left")
    }

    private func files(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    /// A temporary named as a process that still runs would name it (a `sleep` stands in for a
    /// concurrent `field evidence add`); its name and the process, to stop afterwards.
    private func liveTemporary(in directory: URL) throws -> (String, Process) {
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sleep")
        writer.arguments = ["120"]
        try writer.run()
        let name = "\(writer.processIdentifier)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("being written".utf8).write(to: directory.appending(path: name))
        return (name, writer)
    }
}
