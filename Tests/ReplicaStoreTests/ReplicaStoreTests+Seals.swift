import Foundation
import MergeCore
import RecordSeals
import SQLiteKit
import XCTest

@testable import ReplicaStore

/// Sealed records on real stores: a writer seals what it writes, a receiver verifies before it
/// applies, and a bit changed on a disk is found.
extension ReplicaStoreTests {
    private func sealingStore(_ clock: FakeClock) throws -> (ReplicaStore, RecordSigningKey) {
        let store = try makeStore(clock: clock)
        let key = RecordSigningKey.generate()
        store.recordSigningKey = key
        return (store, key)
    }

    private func note(_ store: ReplicaStore, _ text: String, audit: String = "A-2026-0001") throws {
        try store.write([FieldWrite("note", "\(audit)/N-\(text)", "text", .text(text)),
                         FieldWrite("note", "\(audit)/N-\(text)", "present", .bool(true))])
    }

    private func everything(_ store: ReplicaStore) throws -> [SealedRun] {
        try store.sealedRuns(store.records(after: 0, limit: .max)).runs
    }

    func testWhatAWriterSealsAReceiverVerifiesAndApplies() throws {
        let clock = FakeClock(base)
        let (alice, key) = try sealingStore(clock)
        try note(alice, "one")
        try note(alice, "two")
        try note(alice, "three", audit: "A-2026-0002")
        let runs = try everything(alice)
        XCTAssertEqual(runs.map(\.seal.first), [1, 3, 1])
        XCTAssertEqual(runs.map(\.records.count), [2, 2, 2])

        let central = try makeStore(clock: clock)
        let keys = { (node: NodeID) in node == alice.node ? key.publicKey : nil }
        let report = try central.applySealed(runs, publicKey: keys)
        XCTAssertEqual(report.records.applied, 6)
        XCTAssertEqual(report.rejected, [])
        XCTAssertEqual(try central.applySealed(runs, publicKey: keys).duplicateRuns, 3, "a run held already changes nothing")
        // What the receiver holds travels on whole, and verifies at the next replica.
        let third = try makeStore(clock: clock)
        XCTAssertEqual(try third.applySealed(try everything(central), publicKey: keys).records.applied, 6)
        XCTAssertEqual(try third.verifyHeldRuns(publicKey: keys), [])
    }

    func testAnAlteredDroppedOrReorderedRunIsRefusedWholeAndNamed() throws {
        let clock = FakeClock(base)
        let (alice, key) = try sealingStore(clock)
        for text in ["one", "two", "three"] { try note(alice, text) }
        let runs = try everything(alice)
        let keys = { (node: NodeID) in node == alice.node ? key.publicKey : nil }

        var altered = runs[0].records
        altered[0] = MergeRecord(entity: altered[0].entity, key: altered[0].key, field: altered[0].field, value: .text("uno"),
                                 timestamp: altered[0].timestamp, seen: altered[0].seen)
        let receiver = try makeStore(clock: clock)
        let tampered = try receiver.applySealed([SealedRun(seal: runs[0].seal, records: altered)] + runs.dropFirst(), publicKey: keys)
        XCTAssertEqual(tampered.records.applied, 0, "nothing of a run that does not verify, nor of the chain after it")
        XCTAssertTrue(tampered.rejected[0].reason.contains("are not the ones it signed"), tampered.rejected[0].reason)
        XCTAssertTrue(tampered.rejected[1].reason.contains("an earlier run of node \(alice.node.hex)"), tampered.rejected[1].reason)

        let skipping = try makeStore(clock: clock)
        let gap = try skipping.applySealed([runs[0], runs[2]], publicKey: keys)
        XCTAssertEqual(gap.records.applied, 2)
        XCTAssertTrue(gap.rejected[0].reason.contains("records 3–4 of node \(alice.node.hex) in A-2026-0001 are missing"), gap.rejected[0].reason)

        let stranger = try makeStore(clock: clock)
        let unknown = try stranger.applySealed(runs, publicKey: { _ in RecordSigningKey.generate().publicKey })
        XCTAssertTrue(unknown.rejected[0].reason.contains("does not verify with its registered key"), unknown.rejected[0].reason)
    }

    /// The disk attack of issue 9: one bit of an unsent record flipped in the writer's own file.
    func testARecordAlteredOnDiskAfterItWasSealedIsFound() throws {
        let clock = FakeClock(base)
        let (alice, key) = try sealingStore(clock)
        try note(alice, "UNPUSHED-017")
        try note(alice, "UNPUSHED-018")
        let keys = { (node: NodeID) in node == alice.node ? key.publicKey : nil }
        XCTAssertEqual(try alice.verifyHeldRuns(publicKey: keys), [])
        try alice.database.execute("UPDATE merge_log SET value = CAST(replace(value, CAST('017' AS BLOB), CAST('018' AS BLOB)) AS BLOB) WHERE seq = 1")
        let problems = try alice.verifyHeldRuns(publicKey: keys)
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].hasPrefix("log positions 1–2: node \(alice.node.hex)'s records 1–2 in A-2026-0001 are not the ones it signed"),
                      problems[0])
        let central = try makeStore(clock: clock)
        let report = try central.applySealed(try everything(alice), publicKey: keys)
        XCTAssertEqual(report.records.applied, 0, "the altered run is refused, and the chain cannot go on past it")
        XCTAssertEqual(report.rejected.count, 2)
        XCTAssertTrue(report.rejected[0].reason.contains("are not the ones it signed"), report.rejected[0].reason)
    }

    func testALargeWriteIsSealedInRunsThatTravelWhole() throws {
        let clock = FakeClock(base)
        let (alice, key) = try sealingStore(clock)
        try alice.write((0..<(Int(Seal.maximumCount) + 10)).map { FieldWrite("note", "A-2026-0001/N-\($0)", "text", .text("n\($0)")) })
        let runs = try everything(alice)
        XCTAssertEqual(runs.count, (Int(Seal.maximumCount) + 10 + ReplicaStore.sealedRunLength - 1) / ReplicaStore.sealedRunLength)
        XCTAssertTrue(runs.dropLast().allSatisfy { $0.records.count == ReplicaStore.sealedRunLength })
        let receiver = try makeStore(clock: clock)
        XCTAssertEqual(try receiver.applySealed(runs, publicKey: { _ in key.publicKey }).records.applied, Int(Seal.maximumCount) + 10)
        // A page of the log that stops inside a run is completed to the run's end.
        let page = try alice.sealedRuns(alice.records(after: 0, limit: 5))
        XCTAssertEqual(page.runs.count, 1)
        XCTAssertEqual(page.through, Int64(ReplicaStore.sealedRunLength))
    }
}
