import XCTest
@testable import MergeCore
import TestSupport


final class HybridLogicalClockTests: XCTestCase {
    private let nodeA = NodeID(rawValue: 0x0A1B_2C3D_4E5F_6071)
    private let nodeB = NodeID(rawValue: 0xFEDC_BA98_7654_3210)
    /// A realistic wall time: 2025-11-29.
    private let base: UInt64 = 1_764_393_600_000
    /// The largest physical time the record format (and `packedClock`) can carry: 47 bits.
    private let packableMilliseconds: UInt64 = (1 << 47) - 1

    // MARK: tick

    func testTickFollowsTheWallClockWhenItMovesForward() {
        var clock = HybridLogicalClock(node: nodeA)
        XCTAssertEqual(clock.tick(now: base), Timestamp(milliseconds: base, counter: 0, node: nodeA))
        XCTAssertEqual(clock.tick(now: base + 5), Timestamp(milliseconds: base + 5, counter: 0, node: nodeA))
        XCTAssertEqual(clock.last, Timestamp(milliseconds: base + 5, counter: 0, node: nodeA))
    }

    func testTickWithinOneMillisecondAdvancesTheCounter() {
        var clock = HybridLogicalClock(node: nodeA)
        let first = clock.tick(now: base)
        let second = clock.tick(now: base)
        let third = clock.tick(now: base)
        XCTAssertEqual(second, Timestamp(milliseconds: base, counter: 1, node: nodeA))
        XCTAssertEqual(third, Timestamp(milliseconds: base, counter: 2, node: nodeA))
        XCTAssertLessThan(first, second)
        XCTAssertLessThan(second, third)
    }

    func testTickKeepsItsTimeWhenTheWallClockGoesBackwards() {
        var clock = HybridLogicalClock(node: nodeA)
        let before = clock.tick(now: base)
        let after = clock.tick(now: base - 60_000)
        XCTAssertEqual(after, Timestamp(milliseconds: base, counter: 1, node: nodeA))
        XCTAssertGreaterThan(after, before)
    }

    func testTickIsStrictlyMonotonicWhileTheWallClockGoesBackNoFurtherThanTheSkew() {
        for caseIndex in 0..<300 {
            let seed = 0x4C0C_0000 + UInt64(caseIndex)
            var random = SplitMix64(seed: seed)
            let node = NodeID(rawValue: random.next())
            var clock = HybridLogicalClock(node: node)
            var now = base + UInt64.random(in: 0..<1_000_000, using: &random)
            var previous: Timestamp?
            for step in 0..<200 {
                // Forward, standing still, or backwards, never further than twice the skew bound
                // behind the clock (further is a corrected clock, which comes back).
                switch UInt64.random(in: 0..<4, using: &random) {
                case 0: now += UInt64.random(in: 1...1000, using: &random)
                case 1: break
                case 2: now = max(now - UInt64.random(in: 1...3_600_000, using: &random),
                                  clock.last.milliseconds.subtractingReportingOverflow(2 * clock.maxSkewMilliseconds).overflow
                                      ? 0 : clock.last.milliseconds - 2 * clock.maxSkewMilliseconds)
                default: now += UInt64.random(in: 0...2, using: &random)
                }
                let stamp = clock.tick(now: now)
                if let previous, !(previous < stamp) {
                    XCTFail("seed \(seed): step \(step): tick(now: \(now)) gave \(stamp), not after \(previous)")
                    return
                }
                if stamp.milliseconds < now {
                    XCTFail("seed \(seed): step \(step): tick(now: \(now)) gave \(stamp), behind the wall clock")
                    return
                }
                if stamp.node != node || clock.last != stamp {
                    XCTFail("seed \(seed): step \(step): tick gave \(stamp) but the clock of \(node) holds \(clock.last)")
                    return
                }
                previous = stamp
            }
        }
    }

    func testAClockThatRanAheadComesBackToTheCorrectedWallClock() {
        var clock = HybridLogicalClock(node: nodeA)
        let ahead = clock.tick(now: base + 2 * 86_400_000)
        XCTAssertTrue(clock.isAhead(now: base))
        let corrected = clock.tick(now: base)
        XCTAssertEqual(corrected, Timestamp(milliseconds: base, counter: 1, node: nodeA),
                       "work after the correction is stamped by the corrected clock")
        XCTAssertLessThan(corrected, ahead)
        XCTAssertFalse(clock.isAhead(now: base))
        // Within twice the skew bound it does not come back by itself: a received stamp may be
        // the bound ahead, and the wall clock may then go back a little.
        var drifting = HybridLogicalClock(node: nodeA)
        let slightly = drifting.tick(now: base + 2 * drifting.maxSkewMilliseconds)
        XCTAssertTrue(drifting.isAhead(now: base))
        XCTAssertGreaterThan(drifting.tick(now: base), slightly)
        // A replica re-stamping what it wrote ahead brings it back on purpose.
        drifting.comeBack(now: base)
        XCTAssertEqual(drifting.tick(now: base), Timestamp(milliseconds: base, counter: 1, node: nodeA))
    }

    /// Property: whatever the wall clock does, a tick after a floor sorts after it — a write is
    /// stamped after everything its writer saw of the fields it writes, so it supersedes them.
    func testATickAfterAFloorSortsAfterItWhateverTheWallClockDoes() {
        var random = SplitMix64(seed: 0xF100_0001)
        var clock = HybridLogicalClock(node: nodeA)
        for step in 0..<2000 {
            let now = base + UInt64.random(in: 0...(3 * 86_400_000), using: &random)
            let floor = Timestamp(milliseconds: base + UInt64.random(in: 0...(3 * 86_400_000), using: &random),
                                  counter: Bool.random(using: &random) ? .max : UInt16.random(in: 0...UInt16.max, using: &random),
                                  node: Bool.random(using: &random) ? nodeA : nodeB)
            let stamp = clock.tick(now: now, after: Bool.random(using: &random) ? floor : nil)
            if clock.last != stamp { return XCTFail("step \(step): the clock holds \(clock.last), not \(stamp)") }
            let after = clock.tick(now: now, after: floor)
            if !(after > floor) { return XCTFail("step \(step): tick(now: \(now), after: \(floor)) gave \(after)") }
            if after.milliseconds + clock.maxSkewMilliseconds < now {
                return XCTFail("step \(step): \(after) is behind the wall clock \(now)")
            }
        }
    }

    func testCounterOverflowBorrowsTheNextMillisecond() {
        var clock = HybridLogicalClock(node: nodeA, last: Timestamp(milliseconds: base, counter: .max, node: nodeA))
        XCTAssertEqual(clock.tick(now: base), Timestamp(milliseconds: base + 1, counter: 0, node: nodeA))
        // The borrowed millisecond is used up before the wall clock reaches it …
        XCTAssertEqual(clock.tick(now: base), Timestamp(milliseconds: base + 1, counter: 1, node: nodeA))
        XCTAssertEqual(clock.tick(now: base + 1), Timestamp(milliseconds: base + 1, counter: 2, node: nodeA))
        // … and the clock follows the wall again once it is past.
        XCTAssertEqual(clock.tick(now: base + 2), Timestamp(milliseconds: base + 2, counter: 0, node: nodeA))
    }

    func testSixtyFiveThousandTicksInOneMillisecondStayOrdered() {
        var clock = HybridLogicalClock(node: nodeA)
        var previous = clock.tick(now: base)
        for index in 1...Int(UInt16.max) + 10 {
            let stamp = clock.tick(now: base)
            guard previous < stamp else {
                XCTFail("tick \(index) gave \(stamp), not after \(previous)")
                return
            }
            previous = stamp
        }
        XCTAssertEqual(previous, Timestamp(milliseconds: base + 1, counter: 9, node: nodeA))
    }

    func testTickNeverStampsATimeThePackedClockCannotCarry() {
        // The packed clock (milliseconds << 16 | counter) must stay a non-negative Int64.
        XCTAssertEqual(Timestamp.maxMilliseconds, packableMilliseconds)
        var clock = HybridLogicalClock(node: nodeA)
        let stamp = clock.tick(now: .max)
        XCTAssertEqual(stamp.milliseconds, packableMilliseconds, "a wall clock beyond the range is clamped")
        XCTAssertGreaterThanOrEqual(stamp.packedClock, 0)
        let latest = Timestamp(milliseconds: Timestamp.maxMilliseconds, counter: .max, node: nodeA)
        XCTAssertEqual(latest.packedClock, Int64.max)
        XCTAssertEqual(Timestamp(packedClock: latest.packedClock, node: nodeA), latest)
    }

    // MARK: observe

    func testObserveMovesPastARemoteTimestampSoTheNextTickSortsAfterIt() throws {
        var clock = HybridLogicalClock(node: nodeA)
        _ = clock.tick(now: base)
        let remote = Timestamp(milliseconds: base + 30_000, counter: 7, node: nodeB)
        try clock.observe(remote, now: base)
        let next = clock.tick(now: base)
        XCTAssertEqual(next, Timestamp(milliseconds: base + 30_000, counter: 8, node: nodeA))
        XCTAssertGreaterThan(next, remote)
    }

    func testObserveOfAnOlderTimestampLeavesTheClockAlone() throws {
        var clock = HybridLogicalClock(node: nodeA)
        let mine = clock.tick(now: base)
        try clock.observe(Timestamp(milliseconds: base - 10, counter: 99, node: nodeB), now: base)
        XCTAssertEqual(clock.last, mine)
    }

    func testObserveOfTheSameClockWithAHigherNodeStillSortsTheNextTickAfterIt() throws {
        var clock = HybridLogicalClock(node: nodeA)
        _ = clock.tick(now: base)
        let remote = Timestamp(milliseconds: base, counter: 0, node: nodeB)
        XCTAssertLessThan(clock.last, remote)
        try clock.observe(remote, now: base)
        XCTAssertGreaterThan(clock.tick(now: base), remote)
    }

    func testObserveOfTheSameMillisecondWithAHigherCounterSortsTheNextTickAfterIt() throws {
        var clock = HybridLogicalClock(node: nodeB)
        _ = clock.tick(now: base)
        let remote = Timestamp(milliseconds: base, counter: 7, node: nodeA)
        try clock.observe(remote, now: base)
        let next = clock.tick(now: base)
        XCTAssertEqual(next, Timestamp(milliseconds: base, counter: 8, node: nodeB))
        XCTAssertGreaterThan(next, remote)
    }

    func testObserveOfAnExhaustedCounterMakesTheNextTickBorrow() throws {
        var clock = HybridLogicalClock(node: nodeA)
        let remote = Timestamp(milliseconds: base, counter: .max, node: nodeB)
        try clock.observe(remote, now: base)
        let next = clock.tick(now: base)
        XCTAssertEqual(next, Timestamp(milliseconds: base + 1, counter: 0, node: nodeA))
        XCTAssertGreaterThan(next, remote)
    }

    func testTicksAfterObservingRandomRemotesSortAfterEverythingSeen() {
        for caseIndex in 0..<300 {
            let seed = 0x0B5E_0000 + UInt64(caseIndex)
            var random = SplitMix64(seed: seed)
            var clock = HybridLogicalClock(node: NodeID(rawValue: random.next()))
            var now = base
            var latestSeen = clock.last
            for step in 0..<100 {
                now = UInt64(Int64(now) + Int64.random(in: -5_000...5_000, using: &random))
                if Bool.random(using: &random) {
                    // A remote stamp anywhere from an hour behind to the edge of the allowed skew.
                    // Often in this clock's own millisecond, where the counter decides.
                    let offset = Int64.random(in: -3_600_000...Int64(clock.maxSkewMilliseconds), using: &random)
                    let sameMillisecond = Int.random(in: 0..<3, using: &random) == 0
                        && clock.last.milliseconds <= now + clock.maxSkewMilliseconds
                    let remote = Timestamp(milliseconds: sameMillisecond ? clock.last.milliseconds : UInt64(Int64(now) + offset),
                                           counter: UInt16.random(in: 0...UInt16.max, using: &random),
                                           node: NodeID(rawValue: random.next()))
                    do {
                        try clock.observe(remote, now: now)
                    } catch {
                        XCTFail("seed \(seed): step \(step): observe(\(remote), now: \(now)) refused a stamp within the skew: \(error)")
                        return
                    }
                    latestSeen = max(latestSeen, remote)
                } else {
                    let stamp = clock.tick(now: now)
                    guard stamp > latestSeen else {
                        XCTFail("seed \(seed): step \(step): tick gave \(stamp), not after \(latestSeen)")
                        return
                    }
                    latestSeen = stamp
                }
            }
        }
    }

    func testObserveAcceptsATimestampExactlyAtTheAllowedSkew() throws {
        var clock = HybridLogicalClock(node: nodeA)
        let edge = Timestamp(milliseconds: base + HybridLogicalClock.defaultMaxSkewMilliseconds, counter: .max, node: nodeB)
        try clock.observe(edge, now: base)
        XCTAssertGreaterThan(clock.tick(now: base), edge)
    }

    func testObserveRefusesATimestampBeyondTheAllowedSkewAndKeepsTheClock() {
        var clock = HybridLogicalClock(node: nodeA)
        let mine = clock.tick(now: base)
        let ahead = Timestamp(milliseconds: base + HybridLogicalClock.defaultMaxSkewMilliseconds + 1, counter: 0, node: nodeB)
        XCTAssertThrowsError(try clock.observe(ahead, now: base)) { error in
            guard let skew = error as? ClockSkewError else {
                return XCTFail("expected ClockSkewError, got \(type(of: error)): \(error)")
            }
            XCTAssertEqual(skew, ClockSkewError(timestamp: ahead, now: base,
                                                maxSkewMilliseconds: HybridLogicalClock.defaultMaxSkewMilliseconds))
        }
        XCTAssertEqual(clock.last, mine, "a refused timestamp must not drag the clock forward")
        XCTAssertEqual(clock.tick(now: base), Timestamp(milliseconds: base, counter: 1, node: nodeA))
    }

    func testDefaultAllowedSkewIsTenMinutes() {
        XCTAssertEqual(HybridLogicalClock.defaultMaxSkewMilliseconds, 600_000)
        XCTAssertEqual(HybridLogicalClock(node: nodeA).maxSkewMilliseconds, 600_000)
    }

    func testObserveHonoursACustomSkew() throws {
        var clock = HybridLogicalClock(node: nodeA, maxSkewMilliseconds: 1_000)
        try clock.observe(Timestamp(milliseconds: base + 1_000, counter: 0, node: nodeB), now: base)
        XCTAssertThrowsError(try clock.observe(Timestamp(milliseconds: base + 1_001, counter: 0, node: nodeB), now: base))
    }

    func testClockSkewErrorTellsTheUserToFixTheClock() {
        let ahead = Timestamp(milliseconds: base + 3_600_000, counter: 0, node: nodeB)
        let error = ClockSkewError(timestamp: ahead, now: base, maxSkewMilliseconds: 600_000)
        XCTAssertEqual(error.aheadSeconds, 3_600)
        let text = error.description
        XCTAssertTrue(text.contains("fix the clock"), text)
        XCTAssertTrue(text.contains(nodeB.hex), "names the node whose clock is wrong: \(text)")
        XCTAssertTrue(text.contains("3600 s"), "says how far ahead: \(text)")
        XCTAssertTrue(text.contains("600 s"), "says the allowed skew: \(text)")
        XCTAssertTrue(text.contains("nothing was dropped"), text)
    }

    func testCheckSkewIsTheSameRuleAsObserve() {
        XCTAssertNoThrow(try HybridLogicalClock.checkSkew(Timestamp(milliseconds: base + 500, counter: 9, node: nodeB),
                                                          now: base, maxSkewMilliseconds: 500))
        XCTAssertThrowsError(try HybridLogicalClock.checkSkew(Timestamp(milliseconds: base + 501, counter: 0, node: nodeB),
                                                              now: base, maxSkewMilliseconds: 500))
    }

    // MARK: resuming

    func testAResumedClockNeverStampsAtOrBeforeItsLastWithinTheSkew() {
        for caseIndex in 0..<400 {
            let seed = 0x2E50_0000 + UInt64(caseIndex)
            var random = SplitMix64(seed: seed)
            let node = NodeID(rawValue: random.next())
            let last = Timestamp(milliseconds: base + UInt64.random(in: 0..<10_000_000, using: &random),
                                 counter: Bool.random(using: &random) ? .max : UInt16.random(in: 0...UInt16.max, using: &random),
                                 node: node)
            var clock = HybridLogicalClock(node: node, last: last)
            var previous = last
            for step in 0..<20 {
                // Mostly a wall clock that went back (a restart after an NTP correction) by up to
                // twice the skew bound, sometimes not.
                let now = UInt64(Int64(last.milliseconds) + Int64.random(in: -2 * Int64(clock.maxSkewMilliseconds)...2, using: &random))
                let stamp = clock.tick(now: now)
                guard stamp > previous else {
                    XCTFail("seed \(seed): step \(step): resumed from \(last), tick(now: \(now)) gave \(stamp), not after \(previous)")
                    return
                }
                previous = stamp
            }
        }
    }

    func testANewClockStartsAtTheEpochOfItsOwnNode() {
        let clock = HybridLogicalClock(node: nodeB)
        XCTAssertEqual(clock.last, Timestamp(milliseconds: 0, counter: 0, node: nodeB))
        XCTAssertEqual(clock.node, nodeB)
    }

    // MARK: Timestamp

    func testTimestampsOrderByMillisecondsThenCounterThenNode() {
        let low = NodeID(rawValue: 1), high = NodeID(rawValue: 2)
        XCTAssertLessThan(Timestamp(milliseconds: 1, counter: .max, node: high), Timestamp(milliseconds: 2, counter: 0, node: low))
        XCTAssertLessThan(Timestamp(milliseconds: 5, counter: 1, node: high), Timestamp(milliseconds: 5, counter: 2, node: low))
        XCTAssertLessThan(Timestamp(milliseconds: 5, counter: 2, node: low), Timestamp(milliseconds: 5, counter: 2, node: high))
        XCTAssertFalse(Timestamp(milliseconds: 5, counter: 2, node: low) < Timestamp(milliseconds: 5, counter: 2, node: low))
        XCTAssertNotEqual(Timestamp(milliseconds: 5, counter: 2, node: low), Timestamp(milliseconds: 5, counter: 2, node: high))
    }

    func testTimestampOrderIsTheLexicographicOrderOfItsParts() {
        for caseIndex in 0..<500 {
            let seed = 0x0DE2_0000 + UInt64(caseIndex)
            var random = SplitMix64(seed: seed)
            // Small ranges, so equal parts (and the tiebreaks) come up often.
            func draw() -> Timestamp {
                Timestamp(milliseconds: UInt64.random(in: 0...3, using: &random),
                          counter: UInt16.random(in: 0...3, using: &random),
                          node: NodeID(rawValue: UInt64.random(in: 0...3, using: &random)))
            }
            let a = draw(), b = draw()
            let expected = (a.milliseconds, a.counter, a.node.rawValue) < (b.milliseconds, b.counter, b.node.rawValue)
            if (a < b) != expected || (a == b) != (a.milliseconds == b.milliseconds && a.counter == b.counter && a.node == b.node) {
                XCTFail("seed \(seed): \(a) vs \(b): < gave \(a < b), == gave \(a == b)")
            }
            if a != b && (a < b) == (b < a) {
                XCTFail("seed \(seed): \(a) and \(b) are not totally ordered")
            }
        }
    }

    func testPackedClockRoundTripsAndPreservesOrder() {
        var random = SplitMix64(seed: 0xAC4E_D000)
        let seed: UInt64 = 0xAC4E_D000
        let edges: [UInt64] = [0, 1, base, packableMilliseconds]
        var previous: (Timestamp, Int64)?
        for caseIndex in 0..<500 {
            let milliseconds = caseIndex < edges.count ? edges[caseIndex] : UInt64.random(in: 0...packableMilliseconds, using: &random)
            let counter: UInt16 = caseIndex < edges.count ? [0, .max, 7, .max][caseIndex] : UInt16.random(in: 0...UInt16.max, using: &random)
            let stamp = Timestamp(milliseconds: milliseconds, counter: counter, node: nodeA)
            let packed = stamp.packedClock
            if packed < 0 { XCTFail("seed \(seed): case \(caseIndex): \(stamp) packs to a negative \(packed)") }
            if packed != Int64(milliseconds << 16 | UInt64(counter)) {
                XCTFail("seed \(seed): case \(caseIndex): \(stamp) packs to \(packed)")
            }
            let back = Timestamp(packedClock: packed, node: nodeA)
            if back != stamp { XCTFail("seed \(seed): case \(caseIndex): \(stamp) came back as \(back)") }
            if let (other, otherPacked) = previous, (other < stamp) != (otherPacked < packed) {
                XCTFail("seed \(seed): case \(caseIndex): packed order of \(other) and \(stamp) differs from theirs")
            }
            previous = (stamp, packed)
        }
    }

    func testTimestampDescriptionIsSortableAndNamesTheNode() {
        let stamp = Timestamp(milliseconds: 1_764_393_600_123, counter: 7, node: nodeA)
        XCTAssertEqual(stamp.description, "1764393600123.0007@0a1b2c3d4e5f6071")
        XCTAssertEqual(NodeID(hex: nodeA.hex), nodeA)
        XCTAssertEqual(NodeID(rawValue: 1).hex, "0000000000000001")
        XCTAssertNil(NodeID(hex: "123"))
    }
}
