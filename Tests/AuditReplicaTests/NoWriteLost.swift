import MergeCore
import ReplicaStore
import XCTest

@testable import AuditReplica

/// The simulations' loss check, against the whole-history reference model.
enum NoWriteLost {
    /// Every record is the winner of its field, a listed conflict, or superseded by a later
    /// record whose writer had seen it — checked against the whole-history reference model.
    static func check(_ replica: AuditReplica, seed: UInt64, audits: [String] = [ReplicaFixture.auditID]) throws -> Int {
        let records = try ReplicaFixture.records(of: replica)
        let conflicts = try audits.flatMap { try replica.store.conflicts(in: KeyScope($0)) }
        let listed = Dictionary(uniqueKeysWithValues: conflicts.map { ($0.winner.fieldID, Set($0.losers.map(\.timestamp))) })
        for field in Set(records.map(\.fieldID)) {
            let reference = FieldRegister(try replica.store.history(of: field))
            let state = try XCTUnwrap(replica.store.fieldState(field), "seed \(seed): \(field) has no state")
            XCTAssertEqual(state.timestamp, reference.winner?.timestamp, "seed \(seed): \(field) winner")
            XCTAssertEqual(state.value, reference.winner?.value, "seed \(seed): \(field) value")
            XCTAssertEqual(listed[field] ?? [], Set(reference.conflicts.map(\.timestamp)), "seed \(seed): \(field) conflicts")
            for record in reference.records.values {
                let isWinner = record.timestamp == state.timestamp
                let isConflict = listed[field]?.contains(record.timestamp) ?? false
                let superseder = reference.supersedingRecord(of: record.timestamp)
                XCTAssertTrue(isWinner || isConflict || superseder.map { $0.timestamp > record.timestamp } == true,
                              "seed \(seed): \(field) lost the write \(record.timestamp)")
            }
        }
        return listed.count
    }
}
