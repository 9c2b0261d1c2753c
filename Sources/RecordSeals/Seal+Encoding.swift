import MergeCore

extension Seal {
    /// The longest audit id a seal names, in UTF-8 bytes (an audit id is `A-YYYY-NNNN`).
    public static let maximumScopeBytes = 64

    /// node u64 · scope (varint length + UTF-8) · first u64 · count u32 · previous [32] · head [32] ·
    /// signature [64]; integers big-endian (protocol/signatures.md).
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 160)
        encode(into: &writer)
        return writer.bytes
    }

    public func encode(into writer: inout ByteWriter) {
        Self.writeFields(node: node, scope: scope, first: first, count: count, previous: previous, head: head, into: &writer)
        writer.writeBytes(signature)
    }

    public init(decoding bytes: [UInt8]) throws(DecodingError) {
        let result: Result<Seal, DecodingError> = bytes.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            do throws(DecodingError) {
                let seal = try Seal(reading: &reader)
                guard reader.isAtEnd else { return .failure(.malformed("bytes after the seal", at: reader.offset)) }
                return .success(seal)
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    public init(reading reader: inout ByteReader) throws(DecodingError) {
        let start = reader.offset
        let node = NodeID(rawValue: try reader.readUInt64())
        let scope = try reader.readString(maxBytes: Seal.maximumScopeBytes, what: "a seal's audit")
        let first = try reader.readUInt64()
        let count = try reader.readUInt32()
        guard first >= 1, count >= 1, count <= Seal.maximumCount, first <= UInt64.max - UInt64(count) else {
            throw .malformed("a seal covers 1 to \(Seal.maximumCount) records, numbered from 1", at: start)
        }
        guard !scope.isEmpty, !scope.contains("/") else { throw .malformed("a seal's audit is the first part of a key", at: start) }
        let previous = Array(try reader.readBytes(count: RecordChain.hashLength))
        let head = Array(try reader.readBytes(count: RecordChain.hashLength))
        let signature = Array(try reader.readBytes(count: Seal.signatureLength))
        self.init(node: node, scope: scope, first: first, count: count, previous: previous, head: head, signature: signature)
    }
}

extension ByteWriter {
    public mutating func writeUInt32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { writeUInt8(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}

extension ByteReader {
    public mutating func readUInt32() throws(DecodingError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 { value = value << 8 | UInt32(try readUInt8()) }
        return value
    }
}
