import WireProtocol
import XCTest

/// The sync payload checks of the `frame-decoder` corpus replay (the target's SyncPayloads.swift,
/// written again): whatever a sync or blob decoder accepts keeps the format's limits (wire.md
/// §8.3, §8.5) and re-encodes to exactly its input.
extension FuzzCorpusReplayTests {
    /// The message types whose payloads these checks decode.
    static let syncTypes: [MessageType] = [.resume, .resumed, .push, .relay, .pushed, .pull, .pulling, .records, .pulled, .offer, .want, .blob,
                                           .missing, .keys, .statusLists]

    /// Decodes `payload` as a `type` message; true when it decoded (and was then checked).
    func checkSyncPayload(_ payload: [UInt8], as type: MessageType, _ name: String) -> Bool {
        let context = "\(name): a \(type) payload"
        switch type {
        case .resume:
            guard let request = try? ResumeRequest(payload: payload) else { return false }
            XCTAssertEqual(request.message.payload, payload, "\(context) that re-encodes differently")
        case .resumed:
            guard let answer = try? ResumeAnswer(payload: payload) else { return false }
            XCTAssertLessThanOrEqual(answer.cursor, UInt64.max, context)
            XCTAssertEqual(answer.message.payload, payload, "\(context) that re-encodes differently")
        case .pulling:
            guard let start = try? PullStart(payload: payload) else { return false }
            XCTAssertTrue(start.audits.allSatisfy { $0.utf8.count <= 255 }, context)
            XCTAssertEqual(start.message.payload, payload, "\(context) that re-encodes differently")
        case .push, .records, .relay:
            guard let batch = try? RecordBatch(payload: payload, what: "\(type)") else { return false }
            XCTAssertLessThanOrEqual(batch.records.count, SyncFormat.maxBatchRecords, context)
            XCTAssertEqual(batch.message(type).type, type, context)
            XCTAssertEqual(batch.message(type).payload, payload, "\(context) that re-encodes differently")
        case .pushed:
            guard let answer = try? PushAnswer(payload: payload) else { return false }
            XCTAssertLessThanOrEqual(answer.refusals.count, SyncFormat.maxBatchRecords, context)
            XCTAssertEqual(answer.message.type, .pushed, context)
            XCTAssertEqual(answer.message.payload, payload, "\(context) that re-encodes differently")
        case .pull:
            guard let request = try? PullRequest(payload: payload) else { return false }
            XCTAssertTrue(request.heldAudits.allSatisfy { $0.utf8.count <= 255 }, context)
            XCTAssertTrue(request.catchingUp.allSatisfy { $0.audit.utf8.count <= 255 && $0.through <= request.cursor }, context)
            XCTAssertEqual(request.message.type, .pull, context)
            XCTAssertEqual(request.message.payload, payload, "\(context) that re-encodes differently")
        case .pulled:
            guard let done = try? PullDone(payload: payload) else { return false }
            XCTAssertTrue(done.audits.allSatisfy { $0.utf8.count <= 255 }, context)
            XCTAssertEqual(done.message.type, .pulled, context)
            XCTAssertEqual(done.message.payload, payload, "\(context) that re-encodes differently")
        case .offer, .want:
            guard let list = try? BlobList(payload: payload, what: "\(type)") else { return false }
            XCTAssertLessThanOrEqual(list.digests.count, BlobFormat.maxListed, context)
            XCTAssertTrue(list.digests.allSatisfy { $0.count == 32 }, context)
            XCTAssertEqual(list.message(type).type, type, context)
            XCTAssertEqual(list.message(type).payload, payload, "\(context) that re-encodes differently")
        case .blob:
            guard let piece = try? BlobPiece(payload: payload) else { return false }
            XCTAssertEqual(piece.digest.count, 32, context)
            XCTAssertLessThanOrEqual(piece.bytes.count, BlobFormat.maxPiece, context)
            XCTAssertTrue(piece.offset <= piece.size && UInt64(piece.bytes.count) <= piece.size - piece.offset,
                          "\(context): \(piece.bytes.count) bytes at \(piece.offset) of \(piece.size)")
            XCTAssertEqual(piece.message.type, .blob, context)
            XCTAssertEqual(piece.message.payload, payload, "\(context) that re-encodes differently")
        case .missing:
            guard let missing = try? BlobMissing(payload: payload) else { return false }
            XCTAssertEqual(missing.digest.count, 32, context)
            XCTAssertEqual(missing.message.type, .missing, context)
            XCTAssertEqual(missing.message.payload, payload, "\(context) that re-encodes differently")
        case .keys:
            guard let keys = try? PublishedKeys(payload: payload) else { return false }
            XCTAssertEqual(keys.message.payload, payload, "\(context) that re-encodes differently")
        case .statusLists:
            guard let lists = try? PublishedStatusLists(payload: payload) else { return false }
            XCTAssertEqual(lists.message.payload, payload, "\(context) that re-encodes differently")
        case .error, .ping, .pong, .enroll, .enrolled:
            return false
        }
        return true
    }

    /// Checks the payload of a message of a sync type, and counts it in `valid` when it decodes.
    func checkSyncMessage(_ message: WireMessage, _ name: String, counting valid: inout [MessageType: Int]) {
        guard Self.syncTypes.contains(message.type) else { return }
        if checkSyncPayload(message.payload, as: message.type, name) { valid[message.type, default: 0] += 1 }
    }

    /// The corpus must hold a valid payload of every sync type, in a message of that type.
    func assertEverySyncTypeSeen(_ valid: [MessageType: Int]) {
        for type in Self.syncTypes {
            XCTAssertGreaterThan(valid[type, default: 0], 0, "no corpus input holds a valid \(type) message")
        }
    }
}
