// The payload checks of the `frame-decoder` target for the messages that carry a payload schema:
// enrollment (`enroll`, `enrolled`) and sync sessions (`push`, `pushed`, `pull`, `records`, `pulled`,
// `offer`, `want`, `blob`, `missing`; protocol/wire.md §8.3–§8.5). Each payload has one encoding:
// whatever its decoder accepts must satisfy the format's limits and re-encode to exactly its input.

import WireProtocol

/// The payload of a message goes to the decoder of its type; `error`, `ping` and `pong` have their
/// own checks or none.
func checkPayload(_ message: WireMessage) {
    switch message.type {
    case .enroll: checkEnrollRequest(message.payload)
    case .enrolled: checkEnrollGrant(message.payload)
    case .push, .records, .relay: checkRecordBatch(message.payload, as: message.type)
    case .resume: checkResumeRequest(message.payload)
    case .resumed: checkResumeAnswer(message.payload)
    case .pulling:
        if let start = try? PullStart(payload: message.payload), start.message.payload != message.payload {
            fatalError("a pulling payload whose encoding differs from its input")
        }
    case .pushed: checkPushAnswer(message.payload)
    case .pull: checkPullRequest(message.payload)
    case .pulled: checkPullDone(message.payload)
    case .offer, .want: checkBlobList(message.payload, as: message.type)
    case .blob: checkBlobPiece(message.payload)
    case .missing: checkBlobMissing(message.payload)
    case .keys:
        if let keys = try? PublishedKeys(payload: message.payload), keys.message.payload != message.payload {
            fatalError("a keys payload whose encoding differs from its input")
        }
    case .statusLists:
        if let lists = try? PublishedStatusLists(payload: message.payload), lists.message.payload != message.payload {
            fatalError("a statusLists payload whose encoding differs from its input")
        }
    case .error, .ping, .pong: break
    }
}

/// `bytes` read as the payload of every type that has a schema.
func checkEveryPayloadDecoder(_ bytes: [UInt8]) {
    checkEnrollRequest(bytes)
    checkEnrollGrant(bytes)
    checkRecordBatch(bytes, as: .push)
    checkRecordBatch(bytes, as: .records)
    checkRecordBatch(bytes, as: .relay)
    checkResumeRequest(bytes)
    checkResumeAnswer(bytes)
    checkPushAnswer(bytes)
    checkPullRequest(bytes)
    checkPullDone(bytes)
    checkBlobList(bytes, as: .offer)
    checkBlobList(bytes, as: .want)
    checkBlobPiece(bytes)
    checkBlobMissing(bytes)
}

/// `resume`: two positions, one encoding.
func checkResumeRequest(_ payload: [UInt8]) {
    guard let request = try? ResumeRequest(payload: payload) else { return }
    guard request.message.payload == payload else { fatalError("a resume payload whose encoding differs from its input") }
}

/// `resumed`: flags only in their two bits; a push position only with its flag.
func checkResumeAnswer(_ payload: [UInt8]) {
    guard let answer = try? ResumeAnswer(payload: payload) else { return }
    guard answer.message.payload == payload else { fatalError("a resumed payload whose encoding differs from its input") }
}

/// `push`, `relay` and `records`: at most 4096 records.
func checkRecordBatch(_ payload: [UInt8], as type: MessageType) {
    guard let batch = try? RecordBatch(payload: payload, what: "\(type)") else { return }
    guard batch.records.count <= SyncFormat.maxBatchRecords else { fatalError("decoded a \(type) of \(batch.records.count) records") }
    let message = batch.message(type)
    guard message.type == type else { fatalError("a \(type) re-encoded as a message of type \(message.type)") }
    guard message.payload == payload else { fatalError("a \(type) payload whose encoding differs from its input") }
}

/// `pushed`: at most 4096 refusals, each reason at most 1024 bytes of UTF-8 (wire.md §8.3).
func checkPushAnswer(_ payload: [UInt8]) {
    guard let answer = try? PushAnswer(payload: payload) else { return }
    guard answer.refusals.count <= SyncFormat.maxBatchRecords else { fatalError("decoded a pushed of \(answer.refusals.count) refusals") }
    let message = answer.message
    guard message.type == .pushed else { fatalError("a pushed re-encoded as a message of type \(message.type)") }
    guard message.payload == payload else {
        let longest = answer.refusals.map(\.reason.utf8.count).max() ?? 0
        fatalError("a pushed payload whose encoding differs from its input (longest reason \(longest) bytes)")
    }
}

/// `pull`: audit ids of at most 255 bytes.
func checkPullRequest(_ payload: [UInt8]) {
    guard let request = try? PullRequest(payload: payload) else { return }
    guard request.heldAudits.count <= 0xFFFF, request.heldAudits.allSatisfy({ $0.utf8.count <= 255 }),
          request.catchingUp.allSatisfy({ $0.audit.utf8.count <= 255 && $0.through <= request.cursor }) else {
        fatalError("decoded an impossible pull \(request)")
    }
    let message = request.message
    guard message.type == .pull else { fatalError("a pull re-encoded as a message of type \(message.type)") }
    guard message.payload == payload else { fatalError("a pull payload whose encoding differs from its input") }
}

/// `pulled`: audit ids of at most 255 bytes.
func checkPullDone(_ payload: [UInt8]) {
    guard let done = try? PullDone(payload: payload) else { return }
    guard done.audits.count <= 0xFFFF, done.audits.allSatisfy({ $0.utf8.count <= 255 }) else {
        fatalError("decoded an impossible pulled \(done)")
    }
    let message = done.message
    guard message.type == .pulled else { fatalError("a pulled re-encoded as a message of type \(message.type)") }
    guard message.payload == payload else { fatalError("a pulled payload whose encoding differs from its input") }
}

/// `offer` and `want`: 32-byte digests, at most 2^20 of them.
func checkBlobList(_ payload: [UInt8], as type: MessageType) {
    guard let list = try? BlobList(payload: payload, what: "\(type)") else { return }
    guard list.digests.count <= BlobFormat.maxListed, list.digests.allSatisfy({ $0.count == 32 }) else {
        fatalError("decoded an impossible \(type) of \(list.digests.count) digests")
    }
    let message = list.message(type)
    guard message.type == type else { fatalError("a \(type) re-encoded as a message of type \(message.type)") }
    guard message.payload == payload else { fatalError("a \(type) payload whose encoding differs from its input") }
}

/// `blob`: a 32-byte digest and at most 1 MiB of bytes that lie inside the blob.
func checkBlobPiece(_ payload: [UInt8]) {
    guard let piece = try? BlobPiece(payload: payload) else { return }
    guard piece.digest.count == 32, piece.bytes.count <= BlobFormat.maxPiece,
          piece.offset <= piece.size, UInt64(piece.bytes.count) <= piece.size - piece.offset else {
        fatalError("decoded an impossible blob: \(piece.bytes.count) bytes at \(piece.offset) of \(piece.size)")
    }
    let message = piece.message
    guard message.type == .blob else { fatalError("a blob re-encoded as a message of type \(message.type)") }
    guard message.payload == payload else { fatalError("a blob payload whose encoding differs from its input") }
}

/// `missing`: a 32-byte digest.
func checkBlobMissing(_ payload: [UInt8]) {
    guard let missing = try? BlobMissing(payload: payload) else { return }
    guard missing.digest.count == 32 else { fatalError("decoded a missing of \(missing.digest.count) bytes") }
    let message = missing.message
    guard message.type == .missing else { fatalError("a missing re-encoded as a message of type \(message.type)") }
    guard message.payload == payload else { fatalError("a missing payload whose encoding differs from its input") }
}
