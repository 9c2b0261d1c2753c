import MergeCore
import TestSupport

/// A deterministic stream of merge records shaped like field work: mostly first writes of new
/// fields, then sequential overwrites (the writer saw the current value), and concurrent writes
/// from other nodes — some newer than the value they race (they win and the old value becomes a
/// conflict), some delivered late and older (they lose and are listed as conflicts).
///
/// Memory stays bounded: overwrites pick among the most recently written fields only.
struct MergeWorkload: Sequence {
    let count: Int
    var seed: UInt64 = 0x5EED_A0D1

    static let nodes = (1...3).map { NodeID(rawValue: 0xA000_0000_0000_0000 | UInt64($0)) }
    static let fieldNames = ["result", "note", "grade", "status"]

    func makeIterator() -> Iterator { Iterator(count: count, seed: seed) }

    struct Iterator: IteratorProtocol {
        let count: Int
        var produced = 0
        var random: SplitMix64
        var milliseconds: UInt64 = 1_700_000_000_000
        var nextField = 0
        /// Recently written fields with their latest stamp, for overwrites.
        var recent: [(FieldID, Timestamp)] = []
        var recentCursor = 0

        init(count: Int, seed: UInt64) {
            self.count = count
            random = SplitMix64(seed: seed)
            recent.reserveCapacity(4096)
        }

        mutating func next() -> MergeRecord? {
            guard produced < count else { return nil }
            produced += 1
            milliseconds += 1
            let node = MergeWorkload.nodes[Int(random.next() % 3)]
            let roll = random.next() % 100
            if roll < 70 || recent.isEmpty {
                let id = newField()
                let stamp = Timestamp(milliseconds: milliseconds, counter: 0, node: node)
                remember(id, stamp)
                return record(id, stamp, seen: [])
            }
            let slot = Int(random.next() % UInt64(recent.count))
            let (id, latest) = recent[slot]
            let stamp = Timestamp(milliseconds: milliseconds, counter: 0, node: node)
            if roll < 90 {
                recent[slot] = (id, stamp)
                return record(id, stamp, seen: [latest])              // sequential overwrite
            }
            if roll < 95 {
                recent[slot] = (id, stamp)
                return record(id, stamp, seen: [])                    // concurrent, newer: wins
            }
            // Concurrent and older, delivered late: it loses and is listed as a conflict.
            let counter = UInt16(1 + random.next() % 60_000)
            return record(id, Timestamp(milliseconds: latest.milliseconds - 1, counter: counter, node: node), seen: [])
        }

        private mutating func newField() -> FieldID {
            defer { nextField += 1 }
            let audit = nextField / 2000
            let item = (nextField / 4) % 500
            let field = MergeWorkload.fieldNames[nextField % 4]
            return FieldID(entity: "item", key: "A-\(audit)/iso27001:2022/A.\(item)", field: field)
        }

        private mutating func remember(_ id: FieldID, _ stamp: Timestamp) {
            if recent.count < 4096 {
                recent.append((id, stamp))
            } else {
                recent[recentCursor] = (id, stamp)
                recentCursor = (recentCursor + 1) % 4096
            }
        }

        private mutating func record(_ id: FieldID, _ stamp: Timestamp, seen: [Timestamp]) -> MergeRecord {
            let value: MergeValue = random.next() % 2 == 0
                ? .text("conform") : .text("observed on site, sample \(random.next() % 10_000)")
            return MergeRecord(entity: id.entity, key: id.key, field: id.field, value: value, timestamp: stamp, seen: seen)
        }
    }
}

