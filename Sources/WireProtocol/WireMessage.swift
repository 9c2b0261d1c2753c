/// One application message inside the encrypted channel: a type byte, a 4-byte big-endian
/// payload length, the payload. A message may span several Noise messages; the channel splits
/// and joins it.
public struct WireMessage: Equatable, Sendable {
    public let type: MessageType
    public let payload: [UInt8]

    public init(_ type: MessageType, _ payload: [UInt8] = []) {
        self.type = type
        self.payload = payload
    }

    /// Bytes of the header before the payload.
    public static let headerLength = 5

    /// Header and payload, ready to be cut into Noise messages.
    public func encoded() -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(WireMessage.headerLength + payload.count)
        encode(into: &bytes)
        return bytes
    }

    /// Appends header and payload to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        bytes.append(type.rawValue)
        let length = UInt32(payload.count)
        bytes.append(UInt8(length >> 24))
        bytes.append(UInt8(length >> 16 & 0xFF))
        bytes.append(UInt8(length >> 8 & 0xFF))
        bytes.append(UInt8(length & 0xFF))
        bytes.append(contentsOf: payload)
    }
}

/// The message types of protocol version 1 (`protocol/wire.md` gives their schemas).
public enum MessageType: UInt8, CaseIterable, Sendable {
    /// Why the sender is about to close the connection: a code and a reason.
    case error = 0x01
    /// Asks the peer to send the payload back in a `pong`: liveness and round-trip checks.
    case ping = 0x02
    case pong = 0x03
    /// A field node with a fresh key presents an enrollment token's secret (``EnrollRequest``).
    case enroll = 0x10
    /// The central registered the node (``EnrollGrant``); it closes after sending it.
    case enrolled = 0x11
    /// A field node's own records (``RecordBatch``).
    case push = 0x20
    /// The central's answer to a push (``PushAnswer``).
    case pushed = 0x21
    /// A field node asks for what it has not seen (``PullRequest``).
    case pull = 0x22
    /// Records for the field node (``RecordBatch``).
    case records = 0x23
    /// The end of a download (``PullDone``).
    case pulled = 0x24
    /// Blobs a field node holds (``BlobList``).
    case offer = 0x25
    /// Blobs the sender asks for (``BlobList``).
    case want = 0x26
    /// A piece of a blob (``BlobPiece``).
    case blob = 0x27
    /// A blob asked for that the sender does not hold (``BlobMissing``).
    case missing = 0x28
    /// The central's JWK Set, after `pulled` (``PublishedKeys``).
    case keys = 0x29
    /// The central's signed status lists, after `keys` (``PublishedStatusLists``).
    case statusLists = 0x2A
    /// A field node opens a sync by naming the central log its cursor counts in (``ResumeRequest``).
    case resume = 0x2B
    /// Where the node stands in the central's log now, and what of its own the central holds (``ResumeAnswer``).
    case resumed = 0x2C
    /// Other nodes' records a laptop gives back to a central restored from a backup (``RecordBatch``).
    case relay = 0x2D
    /// The start of a download: where it resumes and which audits it brings (``PullStart``).
    case pulling = 0x2E
}

/// Joins decrypted chunks into messages. A pure function of bytes, like the frame decoder:
/// the same messages come out whatever the chunking.
public struct MessageDecoder: Sendable {
    /// The default limit on one message's payload: 16 MiB.
    public static let defaultMaxPayload = 16 << 20

    private var buffer: [UInt8] = []
    private var start = 0
    public let maxPayload: Int

    public init(maxPayload: Int = MessageDecoder.defaultMaxPayload) {
        self.maxPayload = maxPayload
    }

    public var bufferedCount: Int { buffer.count - start }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    /// Lets `fill` append bytes straight into the buffer (a decryption writing its plaintext).
    public mutating func append(using fill: (inout [UInt8]) throws -> Void) rethrows {
        try fill(&buffer)
    }

    /// The next whole message, or nil when more bytes are needed. The type and the length are
    /// checked as soon as the header is in, before the payload is waited for.
    public mutating func nextMessage() throws(FramingError) -> WireMessage? {
        guard bufferedCount >= WireMessage.headerLength else { compact(); return nil }
        guard let type = MessageType(rawValue: buffer[start]) else { throw .unknownMessageType(buffer[start]) }
        let length = (1...4).reduce(0) { $0 << 8 | Int(buffer[start + $1]) }
        guard length <= maxPayload else { throw .messageTooLong(length, limit: maxPayload) }
        let end = start + WireMessage.headerLength + length
        guard buffer.count >= end else { compact(); return nil }
        let message = WireMessage(type, Array(buffer[start + WireMessage.headerLength..<end]))
        start = end
        return message
    }

    private mutating func compact() {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
