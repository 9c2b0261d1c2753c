/// Why a connection is refused or closed, as the `error` message carries it. The code is for
/// programs; the reason, for the person reading the log.
public struct ChannelError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public enum Code: UInt16, Sendable, CaseIterable {
        /// No protocol version both sides speak.
        case unsupportedVersion = 1
        /// The node's static key is not enrolled at this central.
        case unknownNode = 2
        /// The node's enrollment was revoked.
        case revokedNode = 3
        /// A message that does not follow its schema.
        case malformedMessage = 4
        case messageTooLarge = 5
        case unknownMessageType = 6
        /// Nothing arrived for too long.
        case timeout = 7
        /// The server holds as many connections as it may.
        case busy = 8
        /// The server is stopping.
        case shuttingDown = 9
        /// The peer's static key is not the one pinned for it.
        case keyMismatch = 10
        /// An enrollment token that is unknown, used by another node, or expired.
        case enrollmentRefused = 11
        /// The central cannot store what it received (its disk is full); nothing of it was kept.
        case storageFull = 12
        /// A code this build does not know (sent by a newer peer).
        case other = 0xFFFF
    }

    public var description: String { "\(code) (\(code.rawValue)): \(reason)" }

    /// The `error` message that carries this error.
    public var message: WireMessage {
        var payload = [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)]
        payload.append(contentsOf: UTF8Truncation.prefix(reason, maxBytes: 1024))
        return WireMessage(.error, payload)
    }

    /// Reads an `error` message's payload: a 2-byte code, then the reason in UTF-8.
    public init(payload: [UInt8]) throws(FramingError) {
        guard payload.count >= 2 else { throw .malformed("error message: \(payload.count) bytes, needs a 2-byte code") }
        let raw = UInt16(payload[0]) << 8 | UInt16(payload[1])
        code = Code(rawValue: raw) ?? .other
        reason = String(decoding: payload[2...], as: UTF8.self)
    }
}
