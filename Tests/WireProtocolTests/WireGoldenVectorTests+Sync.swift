import Foundation
import XCTest

@testable import WireProtocol

/// The sync-message vectors of `protocol/wire.md` §13.8: each `hex` decodes as one message of its
/// `type`, its payload decodes to what `fields` says, and encoding that value again gives `hex`
/// byte for byte.
extension WireGoldenVectorTests {
    func testSyncMessageVectors() throws {
        for block in try Self.loadVectors().tagged("sync-vector") {
            try block.require(["name", "type", "fields", "hex"])
            let name = try block.text("name")
            let type = try block.messageType("type")
            let bytes = try block.bytes("hex")
            let message = try Self.singleMessage(bytes, name)
            XCTAssertEqual(message.type, type, "\(name): type")
            let (fields, encoded) = try Self.decodeSyncPayload(message)
            XCTAssertEqual(fields, try block.text("fields"), "\(name): fields")
            XCTAssertEqual(Self.hex(encoded.encoded()), Self.hex(bytes), "\(name): encoding the decoded value")
        }
    }

    /// The payload decoded by its type's decoder, described in the `fields` notation of §13.8,
    /// and that value encoded again.
    static func decodeSyncPayload(_ message: WireMessage) throws -> (String, WireMessage) {
        let payload = message.payload
        switch message.type {
        case .resume:
            let value = try ResumeRequest(payload: payload)
            return ("log \(value.log) · cursor \(value.cursor) · record key \(hex(value.recordKey))", value.message)
        case .resumed:
            let value = try ResumeAnswer(payload: payload)
            var text = "log \(value.log) · cursor \(value.cursor)"
            if let pushed = value.pushedThrough { text += " · push position \(pushed)" }
            if value.restored { text += " · restored" }
            return (text, value.message)
        case .push, .relay, .records:
            let value = try RecordBatch(payload: payload, what: "\(message.type)")
            let runs = value.runs.map { run in
                " [seal \(hex(run.seal)) · " + (run.withheld.map { "withheld \(jsonLiteral($0))" }
                    ?? "records " + run.records.map(hex).joined(separator: ", ")) + "]"
            }
            return ("through \(value.through) · runs" + runs.joined(), value.message(message.type))
        case .pushed:
            let value = try PushAnswer(payload: payload)
            let refusals = value.refusals.map { " · refused \($0.index) \($0.retryLater ? "retry" : "final") \(jsonLiteral($0.reason))" }
            return ("through \(value.through) · accepted \(value.accepted)" + refusals.joined(), value.message)
        case .pull:
            let value = try PullRequest(payload: payload)
            var text = "cursor \(value.cursor) · held \(jsonList(value.heldAudits))"
            if !value.catchingUp.isEmpty {
                text += " · catching up [" + value.catchingUp.map { "\(jsonLiteral($0.audit)) through \($0.through)" }
                    .joined(separator: ", ") + "]"
            }
            return (text, value.message)
        case .pulling:
            let value = try PullStart(payload: payload)
            let keys = value.recordKeys.map { String($0.node, radix: 16) + " " + hex($0.key) }.joined(separator: ", ")
            return ("cursor \(value.cursor) · audits \(jsonList(value.audits)) · record keys" + (keys.isEmpty ? "" : " " + keys), value.message)
        case .pulled:
            let value = try PullDone(payload: payload)
            return ("cursor \(value.cursor) · audits \(jsonList(value.audits))", value.message)
        case .offer, .want:
            let value = try BlobList(payload: payload, what: "\(message.type)")
            let digests = value.digests.map(hex).joined(separator: ", ")
            return ("sha256" + (digests.isEmpty ? "" : " " + digests), value.message(message.type))
        case .blob:
            let value = try BlobPiece(payload: payload)
            return ("sha256 \(hex(value.digest)) · size \(value.size) · offset \(value.offset) · bytes \(hex(value.bytes))", value.message)
        case .missing:
            let value = try BlobMissing(payload: payload)
            return ("sha256 \(hex(value.digest))", value.message)
        case .keys:
            let value = try PublishedKeys(payload: payload)
            return ("jwks \(jsonLiteral(value.jwks))", value.message)
        case .statusLists:
            let value = try PublishedStatusLists(payload: payload)
            return ("lists" + (value.lists.isEmpty ? "" : " " + value.lists.map(jsonLiteral).joined(separator: ", ")), value.message)
        case .error, .ping, .pong, .enroll, .enrolled:
            throw SpecError("a sync-vector of type \(message.type): those have vectors of their own")
        }
    }

    /// `["A-2026-0001", "A-2026-0002"]`.
    static func jsonList(_ texts: [String]) -> String {
        "[" + texts.map(jsonLiteral).joined(separator: ", ") + "]"
    }

    /// A JSON string literal with the escapes RFC 8259 requires and no others.
    static func jsonLiteral(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\t": literal += "\\t"
            case let control where control.value < 0x20:
                literal += String(format: "\\u%04x", control.value)
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}
