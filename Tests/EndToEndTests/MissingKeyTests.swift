import CentralNode
import FieldNode
import Foundation
import XCTest

/// A key file that is gone or damaged is never silently replaced: the central refuses to serve
/// and the laptop refuses to work, each saying what to restore; a laptop re-enrolls with a new
/// token onto its own data directory and its unsent work goes up under the new key.
final class MissingKeyTests: XCTestCase {
    private var scenario: SyncScenario!
    private var data: URL { scenario.data }
    private var scratch: ScratchDirectory { scenario.scratch }
    private var audit: String { scenario.audit }

    override func setUpWithError() throws {
        scenario = try SyncScenario(prefix: "auditsync-keys")
    }

    override func tearDown() {
        scenario.stop()
        super.tearDown()
    }

    func testTheCentralRefusesToServeOrEnrollWithoutItsChannelKeyAndMakesNoNewOne() throws {
        let key = data.appending(path: "keys/noise-static.key")
        let original = try Data(contentsOf: key)
        for damage in ["missing", "damaged"] {
            if damage == "missing" {
                try FileManager.default.removeItem(at: key)
            } else {
                XCTAssertTrue(FileManager.default.createFile(atPath: key.path, contents: Data("not a key\n".utf8),
                                                             attributes: [.posixPermissions: 0o600]))
            }
            let serve = try CLI.run(["central", "serve", "--listen", "127.0.0.1:0", "--data", data.path], timeout: 10)
            XCTAssertEqual(serve.status, 1, "\(damage): \(serve)")
            XCTAssertTrue(serve.stderr.contains("channel key") && serve.stderr.contains("restore"), serve.stderr)
            let enroll = try CLI.run(["central", "enroll", "--auditor", "alice", "--address", "127.0.0.1:7420", "--data", data.path])
            XCTAssertEqual(enroll.status, 1, "\(damage): \(enroll)")
            XCTAssertNotEqual(try? Data(contentsOf: key), original, "nothing wrote a key in its place")
            if damage == "missing" { XCTAssertFalse(FileManager.default.fileExists(atPath: key.path)) }
        }
        try FileManager.default.removeItem(at: key)
        XCTAssertTrue(FileManager.default.createFile(atPath: key.path, contents: original, attributes: [.posixPermissions: 0o600]))
        let (server, _) = try scenario.serve()
        server.send(signal: SIGTERM)
        XCTAssertEqual(server.waitForExit(timeout: 10), 0, server.transcript)
    }

    func testOnceMadeTheSigningKeyIsNeverMadeAgain() throws {
        let out = scratch.appending("keys.json")
        XCTAssertEqual(try CLI.run(["central", "keys", "export", "--out", out.path, "--data", data.path]).status, 0)
        let signing = data.appending(path: Central.signingKeyPath)
        try FileManager.default.removeItem(at: signing)
        let again = try CLI.run(["central", "keys", "export", "--out", scratch.appending("again.json").path, "--data", data.path])
        XCTAssertEqual(again.status, 1, "\(again)")
        XCTAssertTrue(again.stderr.contains("certificate signing key"), again.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: signing.path))
    }

    func testALaptopWithoutItsKeyRefusesToWorkThenReEnrollsAndItsUnsentWorkGoesUp() throws {
        let (server, port) = try scenario.serve()
        let laptop = scratch.appending("alice")
        let enrolled = try CLI.run(["field", "init", "--token", try scenario.token("alice", port: port), "--json", "--data", laptop.path])
        XCTAssertEqual(enrolled.status, 0, "\(enrolled)")
        let node = try XCTUnwrap(try jsonObject(enrolled)["id"] as? String)
        XCTAssertEqual(try CLI.run(["field", "sync", "--data", laptop.path], timeout: 60).status, 0)
        XCTAssertEqual(try CLI.run(["field", "respond", "--audit", audit, "--item", "iso42001:2023/4.1", "--result", "conform",
                                    "--data", laptop.path]).status, 0)

        let key = laptop.appending(path: "keys/noise-static.key")
        try FileManager.default.removeItem(at: key)
        let sync = try CLI.run(["field", "sync", "--data", laptop.path], timeout: 60)
        XCTAssertEqual(sync.status, 3, "a missing key is a refusal to fix: \(sync)")
        XCTAssertTrue(sync.stderr.contains("field init --token"), sync.stderr)
        let respond = try CLI.run(["field", "respond", "--audit", audit, "--item", "iso42001:2023/4.2", "--result", "conform",
                                   "--data", laptop.path])
        XCTAssertEqual(respond.status, 3, "\(respond)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: key.path), "no key was made in its place")

        // A new token, onto the same data directory: same node, new key, nothing lost.
        let again = try CLI.run(["field", "init", "--token", try scenario.token("alice", port: port), "--json", "--data", laptop.path])
        XCTAssertEqual(again.status, 0, "\(again)\n\(server.transcript)")
        XCTAssertEqual(try jsonObject(again)["id"] as? String, node)
        let second = try CLI.run(["field", "init", "--token", try scenario.token("alice", port: port), "--data", laptop.path])
        XCTAssertEqual(second.status, 1, "a laptop with a good key is not enrolled twice: \(second)")
        let finish = try CLI.run(["field", "sync", "--json", "--data", laptop.path], timeout: 60)
        XCTAssertEqual(finish.status, 0, "\(finish)\n\(server.transcript)")
        XCTAssertEqual(try jsonObject(finish)["sent"] as? Int, 3, "the unsent result went up under the new key")
        XCTAssertTrue(try CLI.run(["central", "audit", "show", "--audit", audit, "--json", "--data", data.path]).stdout
            .contains("\"result\": \"conform\""))
        let nodes = try CLI.run(["central", "node", "list", "--json", "--data", data.path])
        XCTAssertEqual(nodes.stdout.components(separatedBy: node).count - 1, 1, "still one node: \(nodes.stdout)")
    }
}
