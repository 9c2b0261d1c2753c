/// What each side says about itself inside the handshake: the responder in Noise message 2, the
/// initiator in message 3. Both travel encrypted; message 1 carries no payload.
///
///     u8      hello format (1)
///     u8      number of protocol versions (1…16), then each as u16 BE
///             (the responder lists all it speaks; the initiator names the one it chose)
///     u64 BE  node id
///     u8      role: 1 central, 2 field, 3 field node enrolling
///     u8      name length (0…255), then the name in UTF-8
public struct Hello: Equatable, Sendable {
    public static let format: UInt8 = 1

    public enum Role: UInt8, Sendable {
        case central = 1
        case field = 2
        /// A field node with a fresh key, come to enroll: its one message is `enroll`.
        case enrolling = 3
    }

    public var versions: [UInt16]
    public var node: UInt64
    public var role: Role
    public var name: String

    public init(versions: [UInt16], node: UInt64, role: Role, name: String) {
        self.versions = versions
        self.node = node
        self.role = role
        self.name = name
    }

    public func encoded() -> [UInt8] {
        precondition((1...16).contains(versions.count), "a hello names 1 to 16 versions")
        var bytes: [UInt8] = [Hello.format, UInt8(versions.count)]
        for version in versions { bytes += [UInt8(version >> 8), UInt8(version & 0xFF)] }
        bytes.appendUInt64(node)
        bytes.append(role.rawValue)
        bytes.appendShortText(name)
        return bytes
    }

    public init(decoding bytes: [UInt8]) throws(FramingError) {
        var reader = PayloadReader(bytes, what: "hello")
        guard try reader.byte() == Hello.format else { throw .malformed("hello: unknown format") }
        let count = Int(try reader.byte())
        guard (1...16).contains(count) else { throw .malformed("hello: \(count) versions") }
        var versions: [UInt16] = []
        for _ in 0..<count {
            let pair = try reader.take(2)
            versions.append(UInt16(pair.first!) << 8 | UInt16(pair.last!))
        }
        let node = try reader.uint64()
        guard let role = Role(rawValue: try reader.byte()) else { throw .malformed("hello: unknown role") }
        let name = try reader.shortText("name")
        try reader.finish()
        self.init(versions: versions, node: node, role: role, name: name)
    }
}

/// Protocol versions this build speaks, newest last.
public enum ProtocolVersion {
    /// Version 2 carries records only in sealed runs (protocol/signatures.md) and the node's
    /// record key in `resume`; a version 1 peer is refused with error code 1, saying so.
    public static let supported: [UInt16] = [2]
    public static let current: UInt16 = 2
}
