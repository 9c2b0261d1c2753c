/// A hybrid logical clock reading: physical milliseconds since the Unix epoch, a logical counter
/// that orders events within one millisecond, and the node that stamped it as the final tiebreak.
///
/// Timestamps are totally ordered and unique per record: a node never stamps the same
/// (milliseconds, counter) twice, and two nodes never share an id.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The largest physical time a timestamp can carry: 47 bits, so that the packed clock
    /// (milliseconds << 16 | counter) stays a non-negative 64-bit integer. That is the year 6429.
    public static let maxMilliseconds: UInt64 = (1 << 47) - 1

    public let milliseconds: UInt64
    public let counter: UInt16
    public let node: NodeID

    public init(milliseconds: UInt64, counter: UInt16, node: NodeID) {
        precondition(milliseconds <= Timestamp.maxMilliseconds, "HLC physical time beyond 47 bits")
        self.milliseconds = milliseconds
        self.counter = counter
        self.node = node
    }

    /// Physical time and counter in one 64-bit word, the order-preserving form stored in SQLite
    /// (it stays below 2^63, so it is a non-negative SQLite INTEGER).
    public var packedClock: Int64 { Int64(milliseconds << 16 | UInt64(counter)) }

    public init(packedClock: Int64, node: NodeID) {
        // Stored and decoded clocks are below 2^63; dropping the sign bit keeps a damaged value
        // from trapping (the decoder refuses such a clock before it gets here).
        let bits = UInt64(bitPattern: packedClock) & 0x7FFF_FFFF_FFFF_FFFF
        self.init(milliseconds: bits >> 16, counter: UInt16(truncatingIfNeeded: bits), node: node)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        if lhs.milliseconds != rhs.milliseconds { return lhs.milliseconds < rhs.milliseconds }
        if lhs.counter != rhs.counter { return lhs.counter < rhs.counter }
        return lhs.node < rhs.node
    }

    /// `1764393600123.0007@0a1b2c3d4e5f6071`: sortable within one node, readable in logs.
    public var description: String {
        let count = String(counter, radix: 16)
        return "\(milliseconds).\(String(repeating: "0", count: 4 - count.count))\(count)@\(node.hex)"
    }
}
