// libFuzzer target `frame-decoder`: the outer framing (NoiseFrameDecoder), the message layer
// (MessageDecoder), Hello, ChannelError, the enrollment payloads (EnrollRequest, EnrollGrant) and
// the sync payloads (RecordBatch, PushAnswer, PullRequest, PullDone, BlobList, BlobPiece,
// BlobMissing; their checks are in SyncPayloads.swift).
// Built by `fuzz/run frame-decoder` through the small package fuzz/Package.swift, against the
// WireProtocol sources themselves.
//
// Input: byte 0 chooses a chunking and the small limits; the rest is the byte stream.
// Both decoders are pure functions of bytes, so the stream fed in pieces (whose sizes come from
// the stream's own bytes) must give exactly what it gives fed at once: the same frames or
// messages, then the same error or the same number of buffered bytes. What comes out must also
// be the stream itself: the re-encoded frames (messages) are the stream's prefix, and an error
// names the header that follows it. Hello and ChannelError decode the stream and every frame and
// error message; a decoded Hello must re-encode to its input. The payload decoders (enrollment and
// sync) decode the stream and the payload of every message of their types (those of the stream
// and those joined from its frames); whatever they decode must keep the format's limits and
// re-encode (`.message.payload`, `.message(type).payload`) to exactly its input. A trap, or any of
// these properties failing, is a finding (fatalError).

import FuzzSupport
import WireProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = input.first else { return 0 }
    let stream = Array(input.dropFirst())
    let pieces = pieceSizes(selector: selector, stream: stream)

    for maxLength in [NoiseFrameDecoder.maxFrameLength, 1 + Int(selector) * 16] {
        let whole = decodeFrames(stream, pieces: [], maxLength: maxLength)
        let cut = decodeFrames(stream, pieces: pieces, maxLength: maxLength)
        guard whole == cut else {
            fatalError("frames depend on the chunking (limit \(maxLength), pieces \(pieces.prefix(8))…): \(whole) vs \(cut)")
        }
        checkFramesAreTheStream(whole, stream: stream, maxLength: maxLength)
        for frame in whole.items { checkHello(frame) }

        // The session's path: decrypted chunks (here, frame payloads) go to the message decoder
        // one frame at a time; the result must not depend on where the frames cut the stream.
        let plain = whole.items.flatMap { $0 }
        let byFrame = decodeMessages(plain, pieces: whole.items.map(\.count), maxPayload: MessageDecoder.defaultMaxPayload)
        guard byFrame == decodeMessages(plain, pieces: [], maxPayload: MessageDecoder.defaultMaxPayload) else {
            fatalError("messages depend on the frame boundaries")
        }
        for message in byFrame.items { checkPayload(message) }
    }

    for maxPayload in [MessageDecoder.defaultMaxPayload, Int(selector)] {
        let whole = decodeMessages(stream, pieces: [], maxPayload: maxPayload)
        let cut = decodeMessages(stream, pieces: pieces, maxPayload: maxPayload)
        guard whole == cut else {
            fatalError("messages depend on the chunking (limit \(maxPayload), pieces \(pieces.prefix(8))…): \(whole) vs \(cut)")
        }
        checkMessagesAreTheStream(whole, stream: stream, maxPayload: maxPayload)
        for message in whole.items {
            if message.type == .error { checkChannelError(message.payload) }
            checkPayload(message)
        }
    }

    checkHello(stream)
    checkHello(input)
    checkChannelError(stream)
    checkEveryPayloadDecoder(stream)
    return 0
}

/// Feeds the frame decoder, limited to `maxLength`.
func decodeFrames(_ stream: [UInt8], pieces: [Int], maxLength: Int) -> DecodeOutcome<[UInt8]> {
    decode(stream, pieces: pieces, with: NoiseFrameDecoder(maxLength: maxLength))
}

/// Feeds the message decoder, limited to `maxPayload`.
func decodeMessages(_ stream: [UInt8], pieces: [Int], maxPayload: Int) -> DecodeOutcome<WireMessage> {
    decode(stream, pieces: pieces, with: MessageDecoder(maxPayload: maxPayload))
}

/// The frames re-encoded are the start of the stream; what follows is either held (no error) or
/// starts with the header the error names.
func checkFramesAreTheStream(_ outcome: DecodeOutcome<[UInt8]>, stream: [UInt8], maxLength: Int) {
    let encoded = outcome.items.flatMap { frame -> [UInt8] in
        guard !frame.isEmpty, frame.count <= maxLength else { fatalError("a frame of \(frame.count) bytes (limit \(maxLength))") }
        return NoiseFrameDecoder.encode(frame)
    }
    guard encoded.elementsEqual(stream.prefix(encoded.count)) else { fatalError("the frames are not the stream") }
    let rest = stream[encoded.count...]
    switch outcome.error {
    case nil:
        guard outcome.buffered == rest.count else { fatalError("\(outcome.buffered) bytes held, \(rest.count) left") }
        if rest.count >= 2 {
            let length = Int(rest[rest.startIndex]) << 8 | Int(rest[rest.startIndex + 1])
            guard length > 0, length <= maxLength, rest.count < 2 + length else { fatalError("a whole frame was left in the buffer") }
        }
    case .emptyFrame?:
        guard rest.starts(with: [0, 0]) else { fatalError("emptyFrame, but the next header is not 0") }
    case .frameTooLong(let length, let limit)?:
        guard rest.count >= 2, length == Int(rest[rest.startIndex]) << 8 | Int(rest[rest.startIndex + 1]),
              limit == maxLength, length > limit else { fatalError("frameTooLong(\(length), \(limit)) does not match the stream") }
    case let error?:
        fatalError("the frame decoder threw \(error)")
    }
}

func checkMessagesAreTheStream(_ outcome: DecodeOutcome<WireMessage>, stream: [UInt8], maxPayload: Int) {
    let encoded = outcome.items.flatMap { message -> [UInt8] in
        guard message.payload.count <= maxPayload else { fatalError("a message of \(message.payload.count) bytes (limit \(maxPayload))") }
        return message.encoded()
    }
    guard encoded.elementsEqual(stream.prefix(encoded.count)) else { fatalError("the messages are not the stream") }
    let rest = Array(stream[encoded.count...])
    let length = rest.count >= 5 ? rest[1...4].reduce(0) { $0 << 8 | Int($1) } : 0
    switch outcome.error {
    case nil:
        guard outcome.buffered == rest.count else { fatalError("\(outcome.buffered) bytes held, \(rest.count) left") }
        if rest.count >= 5 {
            guard MessageType(rawValue: rest[0]) != nil, length <= maxPayload, rest.count < 5 + length else {
                fatalError("a whole message, or a bad header, was left in the buffer")
            }
        }
    case .unknownMessageType(let type)?:
        guard rest.count >= 5, rest[0] == type, MessageType(rawValue: type) == nil else { fatalError("unknownMessageType(\(type)) does not match the stream") }
    case .messageTooLong(let found, let limit)?:
        guard rest.count >= 5, MessageType(rawValue: rest[0]) != nil, found == length, limit == maxPayload, found > limit else {
            fatalError("messageTooLong(\(found), \(limit)) does not match the stream")
        }
    case let error?:
        fatalError("the message decoder threw \(error)")
    }
}

/// A Hello has one encoding: whatever decodes must re-encode to the same bytes.
func checkHello(_ bytes: [UInt8]) {
    guard let hello = try? Hello(decoding: bytes) else { return }
    guard (1...16).contains(hello.versions.count), hello.name.utf8.count <= 255 else { fatalError("decoded an impossible hello \(hello)") }
    guard hello.encoded() == bytes else { fatalError("a hello whose encoding differs from its input") }
}

/// Any 2 bytes or more are an error payload; a known code and a short UTF-8 reason round-trip.
func checkChannelError(_ payload: [UInt8]) {
    let decoded: ChannelError
    do {
        decoded = try ChannelError(payload: payload)
    } catch {
        guard payload.count < 2 else { fatalError("refused an error payload of \(payload.count) bytes: \(error)") }
        return
    }
    guard payload.count >= 2 else { fatalError("decoded an error payload of \(payload.count) bytes") }
    let raw = UInt16(payload[0]) << 8 | UInt16(payload[1])
    guard decoded.code == (ChannelError.Code(rawValue: raw) ?? .other) else { fatalError("code \(raw) read as \(decoded.code)") }
    _ = decoded.description
    let message = decoded.message
    guard message.type == .error else { fatalError("an error message of type \(message.type)") }
    let reason = Array(payload[2...])
    if ChannelError.Code(rawValue: raw) != nil, reason.count <= 1024, String(validating: reason, as: UTF8.self) != nil {
        guard message.payload == payload else { fatalError("the error payload does not round-trip") }
    }
    guard (try? ChannelError(payload: message.payload))?.code == decoded.code else { fatalError("the error code does not round-trip") }
}

/// An `enroll` payload has one encoding: whatever decodes must re-encode to the same bytes.
func checkEnrollRequest(_ payload: [UInt8]) {
    guard let request = try? EnrollRequest(payload: payload) else { return }
    guard request.secret.count == EnrollRequest.secretLength, request.deviceName.utf8.count <= 255 else {
        fatalError("decoded an impossible enroll \(request)")
    }
    let message = request.message
    guard message.type == .enroll else { fatalError("an enroll re-encoded as a message of type \(message.type)") }
    guard message.payload == payload else { fatalError("an enroll payload whose encoding differs from its input") }
}

/// An `enrolled` payload has one encoding: whatever decodes must re-encode to the same bytes.
func checkEnrollGrant(_ payload: [UInt8]) {
    guard let grant = try? EnrollGrant(payload: payload) else { return }
    guard [grant.auditor, grant.auditorName, grant.centralName].allSatisfy({ $0.utf8.count <= 255 }) else {
        fatalError("decoded an impossible enrolled \(grant)")
    }
    let message = grant.message
    guard message.type == .enrolled else { fatalError("an enrolled re-encoded as a message of type \(message.type)") }
    guard message.payload == payload else { fatalError("an enrolled payload whose encoding differs from its input") }
}
