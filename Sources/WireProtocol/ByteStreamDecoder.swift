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

extension NoiseFrameDecoder: ByteStreamDecoder {
    public mutating func next() throws(FramingError) -> [UInt8]? { try nextFrame() }
}

extension MessageDecoder: ByteStreamDecoder {
    public mutating func next() throws(FramingError) -> WireMessage? { try nextMessage() }
}
