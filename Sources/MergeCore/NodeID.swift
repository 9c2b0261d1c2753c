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
        // Digits only: UInt64(_:radix:) alone would also take a sign.
        guard hex.utf8.count == 16, hex.utf8.allSatisfy({ $0.isHexDigit }), let value = UInt64(hex, radix: 16) else { return nil }
        rawValue = value
    }

    /// MergeCore stands alone (the fuzz target compiles it by itself), so it formats its one
    /// fixed-width integer here rather than through HexEncoding; the output is the same.
    public var hex: String {
        let digits = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    public var description: String { hex }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }
}

private extension UInt8 {
    var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
