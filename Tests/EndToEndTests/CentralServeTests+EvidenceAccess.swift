import CentralNode
import Crypto
import Foundation
import MergeCore
import NoiseProtocol
import RecordSeals
import ReplicaStore
import Transport
import WireProtocol
import XCTest

/// Issue 9, item 4: evidence belongs to its audit. An enrolled laptop that knows the SHA-256 of
/// another audit's file plants an evidence record naming it in an audit it is on: the central
/// neither sends it the file nor tells it, by its `want`, whether it holds such a file.
extension CentralServeTests {
    /// Alice leads two audits for two clients; bob is on the first only. Returns both audit ids.
    private func twoAudits(_ data: URL) throws -> (bobs: String, other: String) {
        for step: [String] in [
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso42001:2023"],
            ["auditor", "add", "--id", "bob", "--name", "Bob Osei"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin"],
            ["client", "add", "--name", "Other Corp", "--site", "Cork"],
        ] {
            XCTAssertEqual(try CLI.run(["central"] + step + ["--data", data.path]).status, 0, "\(step)")
        }
        func create(_ client: String, _ team: [String]) throws -> String {
            let created = try CLI.run(["central", "audit", "create", "--client", client, "--standard", "iso42001:2023",
                                       "--kind", "stage2", "--scope", "AI", "--lead", "alice", "--json", "--data", data.path]
                                      + team.flatMap { ["--auditor", $0] })
            return try XCTUnwrap(try jsonObject(created)["id"] as? String, "\(created)")
        }
        return (try create("C-0001", ["bob"]), try create("C-0002", []))
    }

    /// A record of `node`'s planted evidence change, stamped now.
    private func plantedEvidence(_ audit: String, sha256: String, member: String, node: NodeID) -> [MergeRecord] {
        let stamp = Timestamp(milliseconds: ReplicaStore.wallClockMilliseconds(), counter: 0, node: node)
        let key = "\(audit)/\(member)"
        return [("present", MergeValue.bool(true)), ("sha256", .text(sha256)), ("name", .text("board-minutes.pdf")),
                ("size", .int(64)), ("added_by", .text("bob"))].map {
            MergeRecord(entity: "evidence", key: key, field: $0.0, value: $0.1, timestamp: stamp)
        }
    }

    private func digest(_ hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! }
    }

    private func hex(_ digest: [UInt8]) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    func testAPlantedEvidenceRecordGetsNoOtherAuditsFileAndTheOfferRevealsNothing() async throws {
        let (scratch, data) = try makeCentral()
        let (bobs, other) = try twoAudits(data)
        let (server, port) = try startServer(data: data)

        // Alice's laptop adds a confidential file to the other client's audit and syncs it up.
        let token = try XCTUnwrap(try jsonObject(try CLI.run(["central", "enroll", "--auditor", "alice", "--address",
                                                              "127.0.0.1:\(port)", "--json", "--data", data.path]))["token"] as? String)
        let laptop = scratch.appending("alice")
        XCTAssertEqual(try CLI.run(["field", "init", "--token", token, "--data", laptop.path]).status, 0)
        let file = scratch.appending("board-minutes.pdf")
        let secret = Data("Other Corp board minutes: acquisition of Acme\n".utf8)
        try secret.write(to: file)
        let sha256 = SHA256.hash(data: secret).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(try CLI.run(["field", "sync", "--data", laptop.path]).status, 0)
        XCTAssertEqual(try CLI.run(["field", "evidence", "add", "--audit", other, file.path, "--data", laptop.path]).status, 0)
        let synced = try CLI.run(["field", "sync", "--data", laptop.path])
        XCTAssertEqual(synced.status, 0, "\(synced)\n\(server.transcript)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: data.appending(path: "blobs/sha256/\(sha256.prefix(2))/\(sha256)").path))

        // Bob's laptop, enrolled and on the first audit, speaks the protocol itself.
        let key = StaticKeyPair.generate()
        let bobNode: UInt64 = 0xB0B_0000_0000_0B0B
        try enroll(key, as: bobNode, in: data, auditor: "bob")
        let loop = EventLoop(name: "planting-laptop")
        defer { loop.shutdown() }
        let client = try await connect(loop, fieldConfiguration(port: port, key: key, node: bobNode, pinned: try centralKey(data)))
        let recordKey = RecordSigningKey.generate()
        try await client.send(ResumeRequest(log: 0, cursor: 0, recordKey: recordKey.publicKey).message)
        let resumed = try await receive(client, "resumed")
        XCTAssertEqual(resumed.type, .resumed, Self.describe(resumed))

        let unknown = String(repeating: "5a", count: 32)
        let planted = plantedEvidence(bobs, sha256: sha256, member: "E-7K2M9QXA", node: NodeID(rawValue: bobNode))
            + plantedEvidence(bobs, sha256: unknown, member: "E-7K2M9QXB", node: NodeID(rawValue: bobNode))
        // Sealed as a laptop seals its changes: one run each, continuing bob's chain in the audit.
        var chain = RecordChain(node: NodeID(rawValue: bobNode), scope: bobs)
        var runs: [RunPayload] = []
        for change in [Array(planted.prefix(5)), Array(planted.dropFirst(5))] {
            let before = chain
            for record in change { chain.append(record) }
            runs.append(RunPayload(seal: try recordKey.seal(from: before, to: chain).encoded(), records: change.map { $0.encoded() }))
        }
        try await client.send(RecordBatch(through: 1, runs: runs).message(.push))
        let pushed = try PushAnswer(payload: try await receive(client, "pushed").payload)
        XCTAssertEqual(pushed.refusals, [], "a well-formed evidence record of bob's audit is his to write")

        // The offer: the answer for the other audit's file is the one for a file nobody has.
        let digests = [digest(sha256), digest(unknown)]
        try await client.send(BlobList(digests: digests).message(.offer))
        let want = try await receive(client, "want")
        XCTAssertEqual(want.type, .want)
        let wanted = try BlobList(payload: want.payload, what: "want").digests
        XCTAssertEqual(wanted.contains(digests[0]), wanted.contains(digests[1]),
                       "the central's want tells whether it holds the other audit's file: \(wanted.map(hex))")
        for digest in wanted { try await client.send(BlobMissing(digest: digest).message) }

        // The fetch: the file is not sent.
        try await client.send(BlobList(digests: digests).message(.want))
        var answers: [String: MessageType] = [:]
        while answers.count < 2 {
            let message = try await receive(client, "blob or missing")
            if message.type == .blob {
                let piece = try BlobPiece(payload: message.payload)
                answers[hex(piece.digest)] = .blob
                XCTAssertNotEqual(piece.bytes, Array(secret), "the other audit's file reached bob's laptop")
            } else {
                XCTAssertEqual(message.type, .missing, Self.describe(message))
                answers[hex(try BlobMissing(payload: message.payload).digest)] = .missing
            }
        }
        XCTAssertEqual(answers, [sha256: .missing, unknown: .missing])
        await client.close()
        withExtendedLifetime(scratch) {}
    }

    func testTheSameFileAttachedInASecondAuditIsUploadedThereAndReachesThatTeam() throws {
        let (scratch, data) = try makeCentral()
        let (bobs, other) = try twoAudits(data)
        let (server, port) = try startServer(data: data)
        func laptop(_ auditor: String) throws -> URL {
            let token = try XCTUnwrap(try jsonObject(try CLI.run(["central", "enroll", "--auditor", auditor, "--address",
                                                                  "127.0.0.1:\(port)", "--json", "--data", data.path]))["token"] as? String)
            let laptop = scratch.appending(auditor)
            XCTAssertEqual(try CLI.run(["field", "init", "--token", token, "--data", laptop.path]).status, 0)
            return laptop
        }
        let alice = try laptop("alice")
        let file = scratch.appending("iso-policy.pdf")
        let bytes = Data("Information security policy, approved 2026-01-10\n".utf8)
        try bytes.write(to: file)
        let sha256 = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(try CLI.run(["field", "sync", "--data", alice.path]).status, 0)
        for audit in [other, bobs] {
            XCTAssertEqual(try CLI.run(["field", "evidence", "add", "--audit", audit, file.path, "--data", alice.path]).status, 0)
            let synced = try CLI.run(["field", "sync", "--data", alice.path])
            XCTAssertEqual(synced.status, 0, "\(synced)\n\(server.transcript)")
        }
        XCTAssertEqual(server.stderrLines.filter { $0.contains("synced:") && $0.contains("and 1 blobs in") }.count, 2,
                       "uploaded once for each audit: \(server.transcript)")
        let bob = try laptop("bob")
        let synced = try CLI.run(["field", "sync", "--data", bob.path])
        XCTAssertEqual(synced.status, 0, "\(synced)\n\(server.transcript)")
        let copy = bob.appending(path: "blobs/sha256/\(sha256.prefix(2))/\(sha256)")
        XCTAssertEqual(try Data(contentsOf: copy), bytes, "bob's team's file reaches bob")
        withExtendedLifetime(scratch) {}
    }
}
