import AuditDomain
import AuditReplica
import Foundation
import MergeCore
import ReplicaStore
import WireProtocol
import XCTest

@testable import CentralNode

/// Records as a laptop's operations write them — one change, one timestamp — built by hand, so
/// a test can change one field of an otherwise valid change and see the central refuse it.
final class HandWrittenLaptop {
    let node: NodeID
    let auditor: String
    private let clock: StampClock

    /// Laptops sharing `clock` stamp in one order, so each may see what another wrote before.
    init(node: NodeID, auditor: String, clock: StampClock) {
        self.node = node
        self.auditor = auditor
        self.clock = clock
    }

    /// A fresh timestamp of this laptop, later than every one its clock gave before.
    func stamp() -> Timestamp {
        clock.counter += 1
        return Timestamp(milliseconds: clock.start, counter: clock.counter, node: node)
    }

    /// One change: every write stamped with one timestamp; `seen` per field.
    func change(_ entity: String, _ key: String, _ writes: [(String, MergeValue)],
                seen: [String: [Timestamp]] = [:]) -> [MergeRecord] {
        let stamp = stamp()
        return writes.map { MergeRecord(entity: entity, key: key, field: $0.0, value: $0.1, timestamp: stamp, seen: seen[$0.0] ?? []) }
    }

    func result(_ key: String, _ result: String, note: String? = nil, by: String? = nil) -> [MergeRecord] {
        change("item", key, [("result", .text(result)), ("by", .text(by ?? auditor)), ("note", note.map(MergeValue.text) ?? .null)])
    }

    func finding(_ key: String, item: String, grade: String = "minor", statement: String = "No risk criteria",
                 raisedBy: String? = nil) -> [MergeRecord] {
        change("finding", key, [("present", .bool(true)), ("item", .text(item)), ("grade", .text(grade)),
                                ("statement", .text(statement)), ("status", .text("open")), ("raised_by", .text(raisedBy ?? auditor))])
    }

    /// A status move as `updateFinding` writes it, having seen the status stamped `saw`.
    func move(_ key: String, to status: String, saw: Timestamp?, noteField: String?, note: String = "as agreed") -> [MergeRecord] {
        var writes: [(String, MergeValue)] = [("present", .bool(true)), ("status", .text(status))]
        if let noteField { writes.append((noteField, .text(note))) }
        return change("finding", key, writes, seen: saw.map { ["status": [$0]] } ?? [:])
    }

    func evidence(_ key: String, sha256: String = String(repeating: "ab", count: 32), name: String = "policy.pdf",
                  size: MergeValue = .int(1234), finding: String? = nil, addedBy: String? = nil) -> [MergeRecord] {
        var writes: [(String, MergeValue)] = [("present", .bool(true)), ("sha256", .text(sha256)), ("name", .text(name)),
                                              ("size", size), ("added_by", .text(addedBy ?? auditor))]
        if let finding { writes.append(("finding", .text(finding))) }
        return change("evidence", key, writes)
    }

    func note(_ key: String, text: String = "Interviewed the CISO", item: String? = nil, by: String? = nil) -> [MergeRecord] {
        var writes: [(String, MergeValue)] = [("present", .bool(true)), ("text", .text(text)), ("by", .text(by ?? auditor))]
        if let item { writes.append(("item", .text(item))) }
        return change("note", key, writes)
    }
}

/// Now, with a counter: the hybrid clock of every laptop in a test.
final class StampClock {
    let start = ReplicaStore.wallClockMilliseconds()
    var counter: UInt16 = 0
}

extension [MergeRecord] {
    /// The same change with one field's value replaced.
    func setting(_ field: String, to value: MergeValue) -> [MergeRecord] {
        map {
            $0.field == field
                ? MergeRecord(entity: $0.entity, key: $0.key, field: $0.field, value: value, timestamp: $0.timestamp, seen: $0.seen)
                : $0
        }
    }

    /// The same change without one field.
    func dropping(_ field: String) -> [MergeRecord] { filter { $0.field != field } }

    /// The same change with one more field, stamped like the rest.
    func adding(_ field: String, _ value: MergeValue) -> [MergeRecord] {
        self + [MergeRecord(entity: self[0].entity, key: self[0].key, field: field, value: value, timestamp: self[0].timestamp)]
    }
}

/// What one push of changes came back with, by change.
struct PushedChanges {
    let answer: PushAnswer
    let changes: [[MergeRecord]]

    /// The reason each record of change `index` was refused (nil: accepted).
    func refusals(ofChange index: Int) -> [String?] {
        let start = changes.prefix(index).map(\.count).reduce(0, +)
        return (start..<start + changes[index].count).map { position in
            answer.refusals.first { $0.index == UInt32(position) }?.reason
        }
    }

    /// Whether every record of change `index` was taken.
    func accepted(_ index: Int) -> Bool { refusals(ofChange: index).allSatisfy { $0 == nil } }

    /// The first refusal of change `index`, or "accepted".
    func reason(_ index: Int) -> String { refusals(ofChange: index).compactMap { $0 }.first ?? "accepted" }

    func retryLater(_ index: Int) -> Bool {
        let start = changes.prefix(index).map(\.count).reduce(0, +)
        return answer.refusals.contains { $0.index == UInt32(start) && $0.retryLater }
    }
}

extension SyncDesk {
    /// Pushes changes as one batch from `laptop`.
    func push(_ changes: [[MergeRecord]], from laptop: HandWrittenLaptop, through: UInt64 = 1) throws -> PushedChanges {
        let sealer = TestSealer.shared(for: central)
        for record in changes.joined() { _ = try sealer.key(for: record.origin, auditor: laptop.auditor) }
        let batch = try sealer.batch(through: through, records: Array(changes.joined()), auditor: laptop.auditor)
        return PushedChanges(answer: try push(batch, from: laptop.node, auditor: laptop.auditor), changes: changes)
    }
}
