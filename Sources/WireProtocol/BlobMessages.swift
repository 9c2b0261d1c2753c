/// Evidence files in a sync session (`protocol/wire.md` §8.5). Blobs are named by SHA-256 and
/// travel in pieces of at most 1 MiB, in order.
///
///     offer    F→C  u8 format · u32 count · count × 32 bytes SHA-256: blobs the node holds
///     want     both u8 format · u32 count · count × 32 bytes SHA-256: send me these
///     blob     both u8 format · 32 bytes SHA-256 · u64 size · u64 offset · the bytes from offset
///     missing  both u8 format · 32 bytes SHA-256: I do not hold it (so nobody waits for it)
public enum BlobFormat {
    public static let version: UInt8 = 1
    public static let maxPiece = 1 << 20
    public static let maxListed = 1 << 20
}

/// A list of blob names: `offer` and `want`.
public struct BlobList: Equatable, Sendable {
    public let digests: [[UInt8]]

    public init(digests: [[UInt8]]) {
        precondition(digests.allSatisfy { $0.count == 32 }, "SHA-256 digests are 32 bytes")
        self.digests = digests
    }

    public func message(_ type: MessageType) -> WireMessage {
        precondition(type == .offer || type == .want, "blob lists travel as offer or want")
        precondition(digests.count <= BlobFormat.maxListed, "at most \(BlobFormat.maxListed) blobs in a list")
        var payload: [UInt8] = [BlobFormat.version]
        payload.appendUInt32(UInt32(digests.count))
        for digest in digests { payload += digest }
        return WireMessage(type, payload)
    }

    public init(payload: [UInt8], what: String) throws(FramingError) {
        var reader = PayloadReader(payload, what: what)
        guard try reader.byte() == BlobFormat.version else { throw .malformed("\(what): unknown format") }
        let count = Int(try reader.uint32())
        guard count <= BlobFormat.maxListed else { throw .malformed("\(what): \(count) blobs in one list") }
        var digests: [[UInt8]] = []
        for _ in 0..<count { digests.append(Array(try reader.take(32))) }
        try reader.finish()
        self.digests = digests
    }
}

/// One piece of a blob.
public struct BlobPiece: Equatable, Sendable {
    public let digest: [UInt8]
    public let size: UInt64
    public let offset: UInt64
    public let bytes: [UInt8]

    public init(digest: [UInt8], size: UInt64, offset: UInt64, bytes: [UInt8]) {
        precondition(digest.count == 32 && bytes.count <= BlobFormat.maxPiece, "a 32-byte digest, at most 1 MiB")
        self.digest = digest
        self.size = size
        self.offset = offset
        self.bytes = bytes
    }

    public var message: WireMessage {
        var payload: [UInt8] = [BlobFormat.version]
        payload.reserveCapacity(49 + bytes.count)
        payload += digest
        payload.appendUInt64(size)
        payload.appendUInt64(offset)
        payload += bytes
        return WireMessage(.blob, payload)
    }

    public init(payload: [UInt8]) throws(FramingError) {
        var reader = PayloadReader(payload, what: "blob")
        guard try reader.byte() == BlobFormat.version else { throw .malformed("blob: unknown format") }
        digest = Array(try reader.take(32))
        size = try reader.uint64()
        offset = try reader.uint64()
        let rest = payload.count - 49
        guard rest <= BlobFormat.maxPiece else { throw .malformed("blob: a piece of \(rest) bytes") }
        guard offset <= size, UInt64(rest) <= size - offset else {
            throw .malformed("blob: bytes \(offset)+\(rest) lie outside a blob of \(size)")
        }
        bytes = Array(try reader.take(rest))
        try reader.finish()
    }
}

/// The sender does not hold a blob that was asked for.
public struct BlobMissing: Equatable, Sendable {
    public let digest: [UInt8]

    public init(digest: [UInt8]) {
        precondition(digest.count == 32, "SHA-256 digests are 32 bytes")
        self.digest = digest
    }

    public var message: WireMessage { WireMessage(.missing, [BlobFormat.version] + digest) }

    public init(payload: [UInt8]) throws(FramingError) {
        var reader = PayloadReader(payload, what: "missing")
        guard try reader.byte() == BlobFormat.version else { throw .malformed("missing: unknown format") }
        digest = Array(try reader.take(32))
        try reader.finish()
    }
}
