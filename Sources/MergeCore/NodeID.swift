import HexEncoding
/// A node's stable random identity. Printed as 16 lowercase hex digits.
public struct NodeID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// A fresh random identity, drawn once when a node is created and kept for its lifetime.
    public static func random() -> NodeID {
        var generator = SystemRandomNumberGenerator()
        return NodeID(rawValue: generator.next())
    }

    public init?(hex: String) {
        guard let bytes = Hex.decode(hex), bytes.count == 8 else { return nil }
        rawValue = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    public var hex: String { Hex.encode(rawValue) }

    public var description: String { hex }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }
}
