/// A decoder that is a pure function of a byte stream: bytes go in, in any pieces; whole items
/// come out, the same ones whatever the pieces. Both layers of AuditSync's framing are one.
public protocol ByteStreamDecoder {
    associatedtype Item
    /// Bytes received and not yet taken out as items.
    var bufferedCount: Int { get }
    mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8
    /// The next whole item, or nil when more bytes are needed.
    mutating func next() throws(FramingError) -> Item?
}

extension ByteStreamDecoder {
    /// Feeds `bytes` in pieces of `pieceSize` and takes out every whole item after each piece.
    public mutating func decode(_ bytes: [UInt8], inPiecesOf pieceSize: Int) throws(FramingError) -> [Item] {
        precondition(pieceSize > 0)
        var items: [Item] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieceSize)
            append(bytes[offset..<end])
            offset = end
            while let item = try next() { items.append(item) }
        }
        return items
    }
}

extension NoiseFrameDecoder: ByteStreamDecoder {
    public mutating func next() throws(FramingError) -> [UInt8]? { try nextFrame() }
}

extension MessageDecoder: ByteStreamDecoder {
    public mutating func next() throws(FramingError) -> WireMessage? { try nextMessage() }
}
