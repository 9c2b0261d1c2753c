/// The outer framing on the TCP stream: every Noise message is preceded by its length as a
/// 2-byte big-endian integer (SPEC section 5). The decoder is a pure function of bytes: feed it
/// whatever the socket delivered — one byte or many frames — and take out whole frames.
public struct NoiseFrameDecoder: Sendable {
    /// The largest Noise message (the Noise specification's limit).
    public static let maxFrameLength = 65_535

    private var buffer: [UInt8] = []
    private var start = 0
    /// Frames longer than this are refused before their bytes arrive.
    public let maxLength: Int

    public init(maxLength: Int = NoiseFrameDecoder.maxFrameLength) {
        precondition(maxLength > 0 && maxLength <= NoiseFrameDecoder.maxFrameLength)
        self.maxLength = maxLength
    }

    /// Bytes received and not yet taken out as frames.
    public var bufferedCount: Int { buffer.count - start }

    /// The frame that has begun to arrive and is not whole yet, once every whole frame has been
    /// taken out; nil between frames.
    public var incompleteFrame: IncompleteFrame? {
        guard bufferedCount > 0 else { return nil }
        guard bufferedCount >= 2 else { return IncompleteFrame(claimedLength: nil, bytesReceived: 0) }
        return IncompleteFrame(claimedLength: Int(buffer[start]) << 8 | Int(buffer[start + 1]), bytesReceived: bufferedCount - 2)
    }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame's payload, or nil when more bytes are needed.
    public mutating func nextFrame() throws(FramingError) -> [UInt8]? {
        guard bufferedCount >= 2 else { compact(); return nil }
        let length = Int(buffer[start]) << 8 | Int(buffer[start + 1])
        guard length > 0 else { throw .emptyFrame }
        guard length <= maxLength else { throw .frameTooLong(length, limit: maxLength) }
        guard bufferedCount >= 2 + length else { compact(); return nil }
        let frame = Array(buffer[start + 2..<start + 2 + length])
        start += 2 + length
        return frame
    }

    /// Hands the next whole frame's payload to `body` in place, without copying it out; nil when
    /// more bytes are needed.
    public mutating func withNextFrame<T>(_ body: (ArraySlice<UInt8>) throws -> T) throws -> T? {
        guard bufferedCount >= 2 else { compact(); return nil }
        let length = Int(buffer[start]) << 8 | Int(buffer[start + 1])
        guard length > 0 else { throw FramingError.emptyFrame }
        guard length <= maxLength else { throw FramingError.frameTooLong(length, limit: maxLength) }
        guard bufferedCount >= 2 + length else { compact(); return nil }
        let range = start + 2..<start + 2 + length
        start += 2 + length
        return try body(buffer[range])
    }

    /// Drops consumed bytes once they dominate the buffer, so memory follows what is pending.
    private mutating func compact() {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
    }

    /// The wire form of one Noise message.
    public static func encode(_ message: [UInt8]) -> [UInt8] {
        precondition(!message.isEmpty && message.count <= maxFrameLength, "Noise message of \(message.count) bytes")
        var bytes = [UInt8]()
        bytes.reserveCapacity(message.count + 2)
        bytes.append(UInt8(message.count >> 8))
        bytes.append(UInt8(message.count & 0xFF))
        bytes.append(contentsOf: message)
        return bytes
    }
}

/// A frame of which only a part has arrived: what a transport times out when the rest never
/// comes (a damaged length claims more bytes than follow).
public struct IncompleteFrame: Equatable, Sendable {
    /// The length its prefix claims; nil while only the first byte of the prefix is in.
    public let claimedLength: Int?
    /// Bytes of the frame received after its length prefix.
    public let bytesReceived: Int
}

/// Why a byte stream cannot be read as frames. The connection that sent it is closed.
public enum FramingError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyFrame
    case frameTooLong(Int, limit: Int)
    case messageTooLong(Int, limit: Int)
    case unknownMessageType(UInt8)
    case malformed(String)

    public var description: String {
        switch self {
        case .emptyFrame: "a frame of length 0"
        case .frameTooLong(let length, let limit): "a frame of \(length) bytes, more than the limit of \(limit)"
        case .messageTooLong(let length, let limit): "a message of \(length) bytes, more than the limit of \(limit)"
        case .unknownMessageType(let type): "unknown message type \(type)"
        case .malformed(let what): "malformed \(what)"
        }
    }
}
