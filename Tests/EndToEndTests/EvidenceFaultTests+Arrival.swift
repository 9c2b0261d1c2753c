import FieldNode
import Foundation
import NoiseProtocol
import ReplicaStore
import Transport
import WireProtocol
import XCTest

/// A laptop fetching a blob whose bytes do not match its name (the central's copy damaged on
/// its disk after the central checked it, or a faulty central): the real central never sends
/// one, so a scripted central does, on a real encrypted connection.
extension EvidenceFaultTests {
    func testABlobArrivingDamagedIsDroppedAndReportedAndTheSyncCarriesOn() throws {
        let good = [UInt8]("the signed attendance sheet".utf8)
        let expected = [UInt8]("the original interview notes".utf8)
        let (goodName, damagedName) = (SHA256Digest.hex(good), SHA256Digest.hex(expected))
        let loop = EventLoop(name: "damaged-arrival")
        defer { loop.shutdown() }
        let central = ScriptedCentral(blobs: [
            damagedName: Array("the original interview notez".utf8),   // one byte off: hashes to something else
            goodName: good,
        ])
        let centralKey = StaticKeyPair.generate()
        let configuration = SecureServer.Configuration(host: "127.0.0.1", port: 0, staticKey: centralKey,
            hello: Hello(versions: ProtocolVersion.supported, node: 0xC0FFEE, role: .central, name: "scripted central"))
        let (server, address) = try blockingWait {
            try await SecureServer.start(on: loop, configuration: configuration, handler: central, log: { _ in })
        }
        defer { _ = try? blockingWait { await server.stop() } }
        let port = try XCTUnwrap(address.split(separator: ":").last.flatMap { UInt16($0) })

        // A laptop enrolled with it, whose records name both blobs and which holds neither.
        let laptop = try FieldNode(at: scratch.appending("carol"), create: true)
        _ = try StaticKeyFile.loadOrCreate(in: laptop.directory)
        try laptop.recordEnrollment(EnrollGrant(auditor: "carol", auditorName: "Carol Ng", centralName: "scripted central"),
                                    token: EnrollmentToken(host: "127.0.0.1", port: port, centralKey: centralKey.publicKey,
                                                           secret: [UInt8](repeating: 1, count: 32)))
        for (id, name, file) in [("E-00000001", damagedName, "interview.txt"), ("E-00000002", goodName, "attendance.txt")] {
            let key = "A-2026-0009/\(id)"
            _ = try laptop.store.write([
                FieldWrite("evidence", key, "present", .bool(true)), FieldWrite("evidence", key, "sha256", .text(name)),
                FieldWrite("evidence", key, "name", .text(file)), FieldWrite("evidence", key, "added_by", .text("dave")),
            ])
        }

        let summary = try laptop.sync(on: loop)
        XCTAssertEqual(summary.blobs, 1, "the good one is stored")
        XCTAssertEqual(summary.quarantined.map(\.sha256), [damagedName])
        XCTAssertEqual(summary.quarantined.first?.state, .dropped)
        XCTAssertEqual(summary.quarantined.first?.evidence.map(\.id), ["E-00000001"])
        XCTAssertTrue(summary.quarantined.first?.advice.contains("asks for it again") == true, summary.quarantined.first?.advice ?? "")
        let evidence = EvidenceStore(root: laptop.directory.appending(path: "blobs"))
        XCTAssertTrue(evidence.verify(goodName))
        XCTAssertFalse(evidence.contains(damagedName), "nothing is stored under a name its bytes do not have")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: laptop.directory.appending(path: "blobs/tmp").path), [],
                       "nor left half-written")
        XCTAssertEqual(central.asked.sorted(), [damagedName, goodName].sorted())
        XCTAssertNotNil(try laptop.publications(), "the sync ran to its end")
    }
}

/// Just enough of a central for one sync: takes every push, wants nothing offered, has no
/// records, and answers `want` with the blobs it was given, damaged or not. On the loop thread
/// only (`@unchecked Sendable` so the test can read what was asked once the sync is over).
private final class ScriptedCentral: SecureServerHandler, @unchecked Sendable {
    let blobs: [String: [UInt8]]
    private(set) var asked: [String] = []

    init(blobs: [String: [UInt8]]) {
        self.blobs = blobs
    }

    func admit(_ peer: SecureSession.Peer, on connection: SecureConnection) -> ChannelError? { nil }

    func received(_ message: WireMessage, on connection: SecureConnection) {
        do {
            switch message.type {
            case .resume:
                let request = try ResumeRequest(payload: message.payload)
                connection.send(ResumeAnswer(log: 1, cursor: request.cursor, pushedThrough: nil, restored: false).message)
            case .push:
                let batch = try RecordBatch(payload: message.payload, what: "push")
                connection.send(PushAnswer(through: batch.through, accepted: UInt32(batch.records.count), refusals: []).message)
            case .offer:
                connection.send(BlobList(digests: []).message(.want))
            case .pull:
                connection.send(PullStart(cursor: try PullRequest(payload: message.payload).cursor, audits: [], recordKeys: []).message)
                connection.send(PullDone(cursor: 0, audits: []).message)
                connection.send(PublishedKeys(jwks: "{\"keys\":[]}").message)
                connection.send(PublishedStatusLists(lists: []).message)
            case .want:
                for digest in try BlobList(payload: message.payload, what: "want").digests {
                    let name = digest.map { String(format: "%02x", $0) }.joined()
                    asked.append(name)
                    if let bytes = blobs[name] {
                        connection.send(BlobPiece(digest: digest, size: UInt64(bytes.count), offset: 0, bytes: bytes).message)
                    } else {
                        connection.send(BlobMissing(digest: digest).message)
                    }
                }
            default:
                break
            }
        } catch {
            connection.close(error: ChannelError(.malformedMessage, "\(error)"))
        }
    }

    func closed(_ connection: SecureConnection, reason: String) {}
}
