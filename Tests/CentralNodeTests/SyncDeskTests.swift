import AuditDomain
import AuditReplica
import Foundation
import MergeCore
import ReplicaStore
import WireProtocol
import XCTest

@testable import CentralNode

/// The central's half of sync, without a network: what it accepts from a push, and what a pull
/// streams to whom.
final class SyncDeskTests: XCTestCase {
    private var scratch: CentralTestDirectory!
    private var central: Central!
    private var desk: SyncDesk!
    private var sealer: TestSealer!
    private var audit = ""
    private let aliceNode = NodeID(rawValue: 0xA11CE)

    override func setUpWithError() throws {
        scratch = try CentralTestDirectory()
        central = try Central.initialize(at: scratch.url.appendingPathComponent("central"), name: "Cert Body")
        try central.addAuditor(id: "alice", name: "Alice", roles: [.lead])
        try central.addAuditor(id: "bob", name: "Bob", roles: [])
        try central.addAuditor(id: "eve", name: "Eve", roles: [])
        try central.qualify(auditor: "alice", for: StandardID("iso42001:2023"))
        try central.qualify(auditor: "alice", for: StandardID("iso27001:2022"))
        let client = try central.addClient(name: "Acme", sites: ["Dublin"])
        audit = try central.createAudit(client: client, standards: [StandardID("iso42001:2023")], kind: .stage2,
                                        scope: "AI", lead: "alice", auditors: ["bob"])
        desk = SyncDesk(central: central)
        sealer = TestSealer(central: central)
    }

    /// A record as a field node writes it: stamped now by `node`.
    private func record(_ entity: String, _ key: String, _ field: String, _ value: String, node: NodeID? = nil) -> MergeRecord {
        let now = ReplicaStore.wallClockMilliseconds()
        return MergeRecord(entity: entity, key: key, field: field, value: .text(value),
                           timestamp: Timestamp(milliseconds: now, counter: 0, node: node ?? aliceNode), seen: [])
    }

    /// A result as a laptop writes it: the result and its author, one change, stamped by `node`.
    private func result(_ item: String, by auditor: String = "alice", node: NodeID? = nil,
                        milliseconds: UInt64 = ReplicaStore.wallClockMilliseconds()) -> [MergeRecord] {
        let stamp = Timestamp(milliseconds: milliseconds, counter: 0, node: node ?? aliceNode)
        let key = "\(audit)/\(item)"
        return [MergeRecord(entity: "item", key: key, field: "result", value: .text("conform"), timestamp: stamp),
                MergeRecord(entity: "item", key: key, field: "by", value: .text(auditor), timestamp: stamp)]
    }

    func testThePolicyTakesTeamWorkAndRefusesEverythingElseWithAReason() throws {
        let policy = RecordPolicy(node: aliceNode, auditor: "alice") { [central] in try? central!.replica.plan(of: $0) }
        let item = "\(audit)/iso42001:2023/4.1"
        /// A result as `recordResult` writes it: with its author, in one change.
        func result(_ key: String, node: NodeID? = nil) -> Change {
            let stamp = Timestamp(milliseconds: ReplicaStore.wallClockMilliseconds(), counter: 0, node: node ?? aliceNode)
            return Change(records: [MergeRecord(entity: "item", key: key, field: "result", value: .text("conform"), timestamp: stamp),
                                    MergeRecord(entity: "item", key: key, field: "by", value: .text("alice"), timestamp: stamp)])
        }
        let work = result(item)
        XCTAssertNil(policy.refusal(of: work.records[0], in: work))
        let recommendation = record("audit", audit, "recommendation", "grant")
        let recommended = Change(records: [recommendation, MergeRecord(entity: "audit", key: audit, field: "recommended_by",
                                                                       value: .text("alice"), timestamp: recommendation.timestamp)])
        XCTAssertNil(policy.refusal(of: recommendation, in: recommended), "the lead recommends")
        let refusals: [(MergeRecord, String)] = [
            (result(item, node: NodeID(rawValue: 7)).records[0], "only its own records"),
            (result("A-2099-0001/iso42001:2023/4.1").records[0], "not known at the central"),
            (record("audit", audit, "scope", "everything"), "part of the audit plan"),
            (record("audit", audit, "team", "alice\neve"), "part of the audit plan"),
            (record("certificate", "\(audit)/C-1", "number", "1"), "unknown kind of record"),
            (record("note", audit, "text", "x"), "must name a member"),
        ]
        for (record, reason) in refusals {
            let refusal = policy.refusal(of: record)?.reason ?? "accepted"
            XCTAssertTrue(refusal.contains(reason), "\(record.entity).\(record.field): \(refusal)")
        }
        let bob = RecordPolicy(node: aliceNode, auditor: "bob") { [central] in try? central!.replica.plan(of: $0) }
        XCTAssertTrue(bob.refusal(of: recommendation, in: recommended)?.reason.contains("only the lead") ?? false)
        let eve = RecordPolicy(node: aliceNode, auditor: "eve") { [central] in try? central!.replica.plan(of: $0) }
        XCTAssertTrue(eve.refusal(of: work.records[0], in: work)?.reason.contains("not on the team") ?? false)
        let impostor = RecordPolicy(node: central.node, auditor: "alice", plan: { [central] in try? central!.replica.plan(of: $0) },
                                    central: central.node)
        XCTAssertTrue(impostor.refusal(of: work.records[0], in: work)?.reason.contains("the central's own id") ?? false)
    }

    func testAPushAppliesWhatIsAllowedAndNamesEachRefusalByIndex() throws {
        let good = result("iso42001:2023/4.1")
        let forged = MergeRecord(entity: "audit", key: audit, field: "lead", value: .text("alice"),
                                 timestamp: Timestamp(milliseconds: good[0].timestamp.milliseconds, counter: 1, node: aliceNode))
        let batch = try sealer.batch(through: 42, good.map(TestSealer.Entry.record) + [.garbage([0xFF, 0x00]), .record(forged)])
        let before = try central.store.recordCount()
        let answer = try desk.push(batch, from: aliceNode, auditor: "alice")
        XCTAssertEqual(answer.through, 42)
        XCTAssertEqual(answer.accepted, 2)
        XCTAssertEqual(answer.refusals.map(\.index), [2, 3])
        XCTAssertTrue(answer.refusals[0].reason.hasPrefix("not a valid sealed run"), answer.refusals[0].reason)
        XCTAssertEqual(try central.store.recordCount(), before + 2)
        // Pushing the same batch again changes nothing.
        XCTAssertEqual(try desk.push(batch, from: aliceNode, auditor: "alice").accepted, 2)
        XCTAssertEqual(try central.store.recordCount(), before + 2)
    }

    func testARecordStampedTooFarAheadIsRefusedForNowAndTakenOnceTimeCatchesUp() throws {
        let clock = ManualClock("2026-11-29T08:00:00Z")
        let skewed = try Central.initialize(at: scratch.url.appendingPathComponent("skewed"), name: "Skew Body",
                                            now: { clock.milliseconds })
        try skewed.addAuditor(id: "alice", name: "Alice", roles: [.lead])
        try skewed.qualify(auditor: "alice", for: StandardID("iso42001:2023"))
        let client = try skewed.addClient(name: "Acme", sites: ["Dublin"])
        let audit = try skewed.createAudit(client: client, standards: [StandardID("iso42001:2023")], kind: .stage2,
                                           scope: "AI", lead: "alice", auditors: [])
        self.audit = audit
        let ahead = result("iso42001:2023/4.1", milliseconds: clock.milliseconds + 20 * 60_000)
        let sealer = TestSealer(central: skewed)
        let desk = SyncDesk(central: skewed)
        let early = try desk.push(try sealer.batch(through: 1, records: ahead), from: aliceNode, auditor: "alice")
        XCTAssertEqual(early.accepted, 0)
        XCTAssertEqual(early.refusals.map(\.retryLater), [true, true], "a clock ahead is worth retrying")
        XCTAssertTrue(early.refusals[0].reason.contains("clock"), early.refusals[0].reason)
        clock.set("2026-11-29T08:11:00Z")
        XCTAssertEqual(try desk.push(try sealer.batch(through: 1, records: ahead), from: aliceNode, auditor: "alice").accepted, 2)
        // A refusal by the rules stays final.
        let forged = record("audit", audit, "scope", "x")
        XCTAssertEqual(try desk.push(try sealer.batch(through: 2, records: [forged]), from: aliceNode, auditor: "alice")
            .refusals.map(\.retryLater), [false])
    }

    /// Every record a pull streams, and the `pulled` that ends it.
    private func drain(_ stream: PullStream) throws -> (records: [MergeRecord], cursors: [UInt64], done: PullDone) {
        var records: [MergeRecord] = []
        var cursors: [UInt64] = []
        while let message = try stream.next() {
            if message.type == .pulling { continue }
            if message.type == .pulled { return (records, cursors, try PullDone(payload: message.payload)) }
            let batch = try RecordBatch(payload: message.payload, what: "records")
            cursors.append(batch.through)
            records += try batch.records.map { try MergeRecord(decoding: $0) }
        }
        XCTFail("the stream ended without `pulled`")
        return (records, cursors, PullDone(cursor: 0, audits: []))
    }

    func testAPullStreamsTheTeamsAuditsButNotTheNodesOwnRecordsOrOtherAudits() throws {
        _ = try desk.push(try sealer.batch(through: 1, records: result("iso42001:2023/4.1")),
                          from: aliceNode, auditor: "alice")
        let other = try central.createAudit(client: "C-0001", standards: [StandardID("iso27001:2022")], kind: .stage1,
                                            scope: "ISMS", lead: "alice", auditors: ["eve"])
        let forAlice = try drain(try PullStream(desk: desk, node: aliceNode, auditor: "alice",
                                                request: PullRequest(cursor: 0, heldAudits: [])))
        XCTAssertEqual(Set(forAlice.records.map { AuditSchema.audit(ofKey: $0.key) }), [audit, other])
        XCTAssertFalse(forAlice.records.contains { $0.timestamp.node == aliceNode }, "her own record does not come back")
        XCTAssertEqual(forAlice.done.audits, [audit, other].sorted())
        XCTAssertEqual(forAlice.done.cursor, UInt64(try central.store.lastSequence()))
        XCTAssertEqual(forAlice.cursors, forAlice.cursors.sorted(), "cursors only grow")

        let forBob = try drain(try PullStream(desk: desk, node: NodeID(rawValue: 0xB0B), auditor: "bob",
                                              request: PullRequest(cursor: 0, heldAudits: [])))
        XCTAssertEqual(Set(forBob.records.map { AuditSchema.audit(ofKey: $0.key) }), [audit], "bob is not on \(other)")
        XCTAssertTrue(forBob.records.contains { $0.timestamp.node == aliceNode }, "alice's work reaches bob")

        // From where he stopped, nothing new.
        let again = try drain(try PullStream(desk: desk, node: NodeID(rawValue: 0xB0B), auditor: "bob",
                                             request: PullRequest(cursor: forBob.done.cursor, heldAudits: forBob.done.audits)))
        XCTAssertEqual(again.records.count, 0)
    }

    func testALongRunOfOtherAuditsIsReadInStepsThatGiveTheLoopBack() throws {
        let other = try central.createAudit(client: "C-0001", standards: [StandardID("iso27001:2022")], kind: .stage1,
                                            scope: "ISMS", lead: "alice", auditors: [])
        try central.store.write((0..<200).map { FieldWrite("note", "\(other)/N-\($0)", "text", .text("not for bob")) })
        let stream = try PullStream(desk: desk, node: NodeID(rawValue: 0xB0B), auditor: "bob",
                                    request: PullRequest(cursor: 0, heldAudits: []), rowsPerStep: 16)
        var pauses = 0
        var received: [MergeRecord] = []
        var done: PullDone?
        while done == nil {
            guard let message = try stream.next() else {
                XCTAssertFalse(stream.isFinished, "nil before `pulled` means: call again")
                pauses += 1
                continue
            }
            if message.type == .pulling { continue }
            if message.type == .pulled { done = try PullDone(payload: message.payload) } else {
                received += try RecordBatch(payload: message.payload, what: "records").records.map { try MergeRecord(decoding: $0) }
            }
        }
        XCTAssertGreaterThan(pauses, 5, "the 200 rows of another audit were read 16 at a time")
        XCTAssertEqual(Set(received.map { AuditSchema.audit(ofKey: $0.key) }), [audit])
        XCTAssertEqual(try stream.next()?.type, .keys, "the central's keys follow `pulled`")
        XCTAssertEqual(try stream.next()?.type, .statusLists, "then its status lists")
        XCTAssertNil(try stream.next(), "then nothing")
        XCTAssertTrue(stream.isDone)
    }

    func testJoiningATeamLateBringsTheAuditFromItsStart() throws {
        let eveNode = NodeID(rawValue: 0xE7E)
        let before = try drain(try PullStream(desk: desk, node: eveNode, auditor: "eve",
                                              request: PullRequest(cursor: 0, heldAudits: [])))
        XCTAssertEqual(before.records.count, 0)
        XCTAssertEqual(before.done.audits, [])
        // The central adds eve to the team; her cursor is already past the audit's creation.
        try central.store.write([FieldWrite("audit", audit, "team", .text("alice\nbob\neve"))])
        let after = try drain(try PullStream(desk: desk, node: eveNode, auditor: "eve",
                                             request: PullRequest(cursor: before.done.cursor, heldAudits: before.done.audits)))
        let fields = Set(after.records.filter { $0.entity == "audit" }.map(\.field))
        XCTAssertTrue(fields.isSuperset(of: ["client", "scope", "lead", "team", "standards", "kind"]), "\(fields)")
        XCTAssertEqual(after.done.audits, [audit])
        // A cursor past the end of the log it names (a directory put back by hand) is read as
        // the end, and reconciled like a restore.
        let resumed = try desk.resume(ResumeRequest(log: try central.logLineage().current, cursor: 1 << 40, recordKey: [UInt8](repeating: 1, count: 32)), from: eveNode)
        XCTAssertEqual(resumed.cursor, UInt64(try central.store.lastSequence()))
        XCTAssertTrue(resumed.restored)
    }

    func testACutCatchUpResumesWhereItStoppedAndSendsNothingTwice() throws {
        // Each its own run: a catch-up is cut only between whole runs.
        for index in 0..<300 { try central.store.write([FieldWrite("note", "\(audit)/N-\(index)", "text", .text("note \(index)"))]) }
        let end = UInt64(try central.store.lastSequence())
        // Eve joins after all of it: her whole audit is a catch-up below her cursor.
        try central.store.write([FieldWrite("audit", audit, "team", .text("alice\nbob\neve"))])
        let cursor = UInt64(try central.store.lastSequence())
        let stream = try PullStream(desk: desk, node: NodeID(rawValue: 0xE7E), auditor: "eve",
                                    request: PullRequest(cursor: cursor, heldAudits: []))
        let start = try PullStart(payload: try XCTUnwrap(try stream.next()).payload)
        XCTAssertEqual(start.cursor, cursor)
        XCTAssertEqual(start.audits, [audit])
        XCTAssertTrue(start.recordKeys.contains { $0.node == central.node.rawValue }, "the central's record key, to verify its runs")
        let all = try drain(stream)
        XCTAssertTrue(all.cursors.allSatisfy { $0 <= cursor }, "catch-up batches reach at most the cursor")
        let whole = all.records.count
        // Cut after the records up to `end` - 100: only what lies after comes again.
        let through = end - 100
        let resumed = try drain(try PullStream(desk: desk, node: NodeID(rawValue: 0xE7E), auditor: "eve",
                                               request: PullRequest(cursor: cursor, heldAudits: [],
                                                                    catchingUp: [.init(audit: audit, through: through)])))
        let sequences = try central.store.sequences(in: KeyScope(audit), entities: AuditSchema.Entity.all)
        XCTAssertEqual(resumed.records.count, sequences.filter { UInt64($0) > through && UInt64($0) <= cursor }.count)
        XCTAssertLessThan(resumed.records.count, whole)
        XCTAssertGreaterThan(resumed.records.count, 100)
    }

    func testAPushNotesHowFarTheCentralHoldsTheNodesRecordsButNotPastARecordToRetry() throws {
        XCTAssertNil(try central.pushedThrough(node: aliceNode.hex))
        let good = result("iso42001:2023/4.1")
        _ = try desk.push(try sealer.batch(through: 10, records: good), from: aliceNode, auditor: "alice")
        XCTAssertEqual(try central.pushedThrough(node: aliceNode.hex), 10)
        let ahead = result("iso42001:2023/4.2", milliseconds: ReplicaStore.wallClockMilliseconds() + 3_600_000)
        _ = try desk.push(try sealer.batch(through: 20, records: ahead), from: aliceNode, auditor: "alice")
        XCTAssertEqual(try central.pushedThrough(node: aliceNode.hex), 10, "a record to send again holds the position")
        XCTAssertEqual(try desk.resume(ResumeRequest(log: 0, cursor: 0, recordKey: [UInt8](repeating: 1, count: 32)), from: aliceNode).pushedThrough, 10)
    }

    func testRelayIsCheckedAsIfTheOriginNodeHadPushedIt() throws {
        try central.registerNode(id: NodeID(rawValue: 0xB0B).hex, publicKey: [UInt8](repeating: 7, count: 32), auditor: "bob")
        let bobsWork = result("iso42001:2023/4.1", by: "bob", node: NodeID(rawValue: 0xB0B))
        let strangers = result("iso42001:2023/4.2", node: NodeID(rawValue: 0x5757))
        let plan = MergeRecord(entity: "audit", key: audit, field: "scope", value: .text("everything"),
                               timestamp: Timestamp(milliseconds: ReplicaStore.wallClockMilliseconds(), counter: 0,
                                                    node: central.node), seen: [])
        let own = result("iso42001:2023/4.3")
        _ = try sealer.key(for: NodeID(rawValue: 0x5757), enrolled: false)
        let answer = try desk.relay(try sealer.batch(through: 4, records: bobsWork + strangers + [plan] + own), from: aliceNode)
        XCTAssertEqual(answer.accepted, 2)
        XCTAssertEqual(answer.refusals.map(\.index), [2, 3, 4, 5, 6])
        XCTAssertTrue(answer.refusals[0].reason.contains("not enrolled"), answer.refusals[0].reason)
        XCTAssertTrue(answer.refusals[2].reason.contains("central's own records"), answer.refusals[2].reason)
        XCTAssertTrue(answer.refusals[3].reason.contains("`push`"), answer.refusals[3].reason)
        XCTAssertNil(try central.pushedThrough(node: aliceNode.hex), "a relay says nothing of the node's own records")
    }

    func testADecidedAuditTakesNoMoreWritesAndSaysWhy() throws {
        XCTAssertEqual(try desk.push(try sealer.batch(through: 1, records: result("iso42001:2023/4.1")),
                                     from: aliceNode, auditor: "alice").accepted, 2)
        try central.addAuditor(id: "rita", name: "Rita Kahn", roles: [.reviewer])
        _ = try central.decide(audit: audit, reviewer: "rita", grant: false, reason: "stage 2 not complete")
        let digest = try central.documentDigest(audit: audit)
        let late = record("note", "\(audit)/N-LATE", "text", "written after the decision")
        let answer = try desk.push(try sealer.batch(through: 2, records: [late]), from: aliceNode, auditor: "alice")
        XCTAssertEqual(answer.accepted, 0)
        XCTAssertEqual(answer.refusals.map(\.retryLater), [false], "final: the record stays on the laptop, listed as refused")
        XCTAssertTrue(answer.refusals[0].reason.contains("is read-only (decided on \(central.todayUTC): refused by rita)"),
                      answer.refusals[0].reason)
        XCTAssertEqual(try central.documentDigest(audit: audit), digest, "the document the decision rests on is unchanged")
        XCTAssertEqual(try central.decisions(audit: audit).first?.documentSHA256, digest)
    }
}
