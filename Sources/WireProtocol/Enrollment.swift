/// The two messages of an enrollment (`protocol/wire.md` §8.4). A field node with a fresh static
/// key connects, names in its hello the node id it drew, and sends `enroll` with the token's
/// secret; the central registers the key and answers `enrolled`, then closes.
///
///     enroll:    u8 format (1) · 32 bytes token secret · u8 length + device name (UTF-8)
///     enrolled:  u8 format (1) · u8 length + auditor id · u8 length + auditor name
///                · u8 length + central name
public struct EnrollRequest: Equatable, Sendable {
    public static let format: UInt8 = 1
    public static let secretLength = 32

    public let secret: [UInt8]
    /// What the auditor calls this laptop; shown in `central node list`.
    public let deviceName: String

    public init(secret: [UInt8], deviceName: String) {
        precondition(secret.count == EnrollRequest.secretLength, "an enrollment secret is 32 bytes")
        self.secret = secret
        self.deviceName = deviceName
    }

    public var message: WireMessage {
        var payload: [UInt8] = [EnrollRequest.format]
        payload += secret
        payload.appendShortText(deviceName)
        return WireMessage(.enroll, payload)
    }

    public init(payload: [UInt8]) throws(FramingError) {
        var reader = PayloadReader(payload, what: "enroll")
        guard try reader.byte() == EnrollRequest.format else { throw .malformed("enroll: unknown format") }
        secret = Array(try reader.take(EnrollRequest.secretLength))
        deviceName = try reader.shortText("device name")
        try reader.finish()
    }
}

/// The central's answer to a valid `enroll`: who the node now belongs to.
public struct EnrollGrant: Equatable, Sendable {
    public static let format: UInt8 = 1

    public let auditor: String
    public let auditorName: String
    public let centralName: String

    public init(auditor: String, auditorName: String, centralName: String) {
        self.auditor = auditor
        self.auditorName = auditorName
        self.centralName = centralName
    }

    public var message: WireMessage {
        var payload: [UInt8] = [EnrollGrant.format]
        payload.appendShortText(auditor)
        payload.appendShortText(auditorName)
        payload.appendShortText(centralName)
        return WireMessage(.enrolled, payload)
    }

    public init(payload: [UInt8]) throws(FramingError) {
        var reader = PayloadReader(payload, what: "enrolled")
        guard try reader.byte() == EnrollGrant.format else { throw .malformed("enrolled: unknown format") }
        auditor = try reader.shortText("auditor id")
        auditorName = try reader.shortText("auditor name")
        centralName = try reader.shortText("central name")
        try reader.finish()
    }
}
