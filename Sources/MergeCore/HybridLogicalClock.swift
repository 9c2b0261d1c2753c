/// The hybrid logical clock of one node (Kulkarni et al.): it follows the wall clock, never goes
/// backwards, and moves past every remote timestamp it receives, so a write always sorts after
/// everything its writer had seen.
///
/// The clock is a value: the replica store persists `last` in the same transaction as the records
/// it stamps, which keeps it monotonic across restarts even when the wall clock jumps back.
public struct HybridLogicalClock: Sendable {
    public let node: NodeID
    /// The latest timestamp stamped or observed.
    public private(set) var last: Timestamp
    /// How far ahead of this node's wall clock a remote timestamp may be.
    public let maxSkewMilliseconds: UInt64

    public static let defaultMaxSkewMilliseconds: UInt64 = 10 * 60 * 1000

    public init(node: NodeID, last: Timestamp? = nil,
                maxSkewMilliseconds: UInt64 = HybridLogicalClock.defaultMaxSkewMilliseconds) {
        self.node = node
        self.last = last ?? Timestamp(milliseconds: 0, counter: 0, node: node)
        self.maxSkewMilliseconds = maxSkewMilliseconds
    }

    /// Stamps a local event at wall time `now` (milliseconds since the epoch).
    public mutating func tick(now: UInt64) -> Timestamp {
        let physical = min(now, Timestamp.maxMilliseconds)
        if physical > last.milliseconds {
            last = Timestamp(milliseconds: physical, counter: 0, node: node)
        } else if last.counter == UInt16.max {
            // The counter is exhausted within this millisecond: borrow the next one. The borrowed
            // time is at most a few milliseconds ahead and is repaid when the wall clock catches up.
            last = Timestamp(milliseconds: last.milliseconds + 1, counter: 0, node: node)
        } else {
            last = Timestamp(milliseconds: last.milliseconds, counter: last.counter + 1, node: node)
        }
        return last
    }

    /// Moves the clock past a remote timestamp, so later local writes sort after it.
    /// Refuses a timestamp further ahead of `now` than the allowed skew: accepting it would drag
    /// every later write of this node into the future.
    public mutating func observe(_ remote: Timestamp, now: UInt64) throws(ClockSkewError) {
        try HybridLogicalClock.checkSkew(remote, now: now, maxSkewMilliseconds: maxSkewMilliseconds)
        if remote.milliseconds > last.milliseconds
            || (remote.milliseconds == last.milliseconds && remote.counter > last.counter) {
            last = Timestamp(milliseconds: remote.milliseconds, counter: remote.counter, node: node)
        }
    }

    public static func checkSkew(_ remote: Timestamp, now: UInt64, maxSkewMilliseconds: UInt64) throws(ClockSkewError) {
        if remote.milliseconds > now &+ maxSkewMilliseconds {
            throw ClockSkewError(timestamp: remote, now: now, maxSkewMilliseconds: maxSkewMilliseconds)
        }
    }
}

/// A timestamp stamped further in the future than the allowed clock skew.
public struct ClockSkewError: Error, Equatable, Sendable, CustomStringConvertible {
    public let timestamp: Timestamp
    public let now: UInt64
    public let maxSkewMilliseconds: UInt64

    public var aheadSeconds: UInt64 { (timestamp.milliseconds - now) / 1000 }

    public var description: String {
        "a record from node \(timestamp.node) is stamped \(aheadSeconds) s ahead of this node's clock "
            + "(more than the allowed \(maxSkewMilliseconds / 1000) s of skew); "
            + "fix the clock of whichever machine is wrong (this one or that node; use automatic network time), "
            + "then sync again — nothing was dropped"
    }
}
