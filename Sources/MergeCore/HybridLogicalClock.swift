/// The hybrid logical clock of one node (Kulkarni et al.): it follows the wall clock, does not go
/// backwards when the wall clock does by up to the skew bound, and moves past every remote
/// timestamp it receives, so a write always sorts after everything its writer had seen.
///
/// The clock is a value: the replica store persists `last` in the same transaction as the records
/// it stamps, which keeps it monotonic across restarts even when the wall clock jumps back.
///
/// One exception: a saved clock more than twice the skew bound ahead of the wall clock can only
/// come from a wall clock that ran ahead and was corrected (a received stamp is at most the skew
/// bound ahead when it arrives, and the wall clock would have to go back by more than the bound
/// again). Staying there would stamp every later write ahead, and every peer would refuse it
/// until real time caught up; so the clock comes back to the wall clock (`tick`, and
/// `comeBack(now:)` for a replica re-stamping what it wrote ahead). What the merge needs still holds: a write is stamped after everything its writer saw
/// of the fields it writes (`tick(now:after:)`), so it still supersedes what it overwrote, and
/// (entity, key, field, timestamp) stays unique.
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

    /// Stamps a local event at wall time `now` (milliseconds since the epoch), after `floor`
    /// (what the writer saw of the fields it writes) when given.
    public mutating func tick(now: UInt64, after floor: Timestamp? = nil) -> Timestamp {
        let physical = min(now, Timestamp.maxMilliseconds)
        if last.milliseconds > physical &+ 2 &* maxSkewMilliseconds {
            last = Timestamp(milliseconds: physical, counter: 0, node: node)
        }
        if let floor, floor.milliseconds > last.milliseconds
            || (floor.milliseconds == last.milliseconds && floor.counter >= last.counter) {
            last = Timestamp(milliseconds: floor.milliseconds, counter: floor.counter, node: node)
        }
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

    /// True when the saved clock is further ahead of the wall clock than the skew bound: what it
    /// stamps now, peers would refuse.
    public func isAhead(now: UInt64) -> Bool {
        last.milliseconds > now &+ maxSkewMilliseconds
    }

    /// Brings a clock that is ahead (`isAhead`) back to the wall clock: for a replica about to
    /// re-stamp what it wrote while its wall clock ran ahead.
    public mutating func comeBack(now: UInt64) {
        if isAhead(now: now) { last = Timestamp(milliseconds: min(now, Timestamp.maxMilliseconds), counter: 0, node: node) }
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
