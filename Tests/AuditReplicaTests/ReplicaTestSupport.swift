import AuditDomain
import Foundation
import MergeCore
import ReplicaStore
import XCTest

@testable import AuditReplica
import TestSupport

/// A wall clock the test moves by hand, shared by the replicas of one simulation.
final class SimulatedClock {
    var milliseconds: UInt64 = 1_780_000_000_000
    func advance(_ delta: UInt64) { milliseconds += delta }
}

enum ReplicaFixture {
    static let auditID = "A-2026-0001"

    /// A replica in its own folder of `directory`, on a file, whose clock is `clock` shifted by `skew`.
    static func replica(_ name: String, in directory: URL, clock: SimulatedClock? = nil, skew: Int64 = 0) throws -> AuditReplica {
        let home = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let now: () -> UInt64 = clock.map { clock in { UInt64(Int64(clock.milliseconds) + skew) } }
            ?? ReplicaStore.wallClockMilliseconds
        let store = try ReplicaStore(path: home.appendingPathComponent("replica.sqlite").path, create: true, now: now)
        return AuditReplica(store: store, evidence: EvidenceStore(root: home.appendingPathComponent("blobs")), actor: name)
    }

    static func plan(lead: String = "alice", auditors: [String] = ["bob"],
                     standards: [String] = ["iso42001:2023"]) -> AuditPlan {
        AuditPlan(id: auditID, client: "C-0001", clientName: "Acme AI Ltd", sites: ["Dublin", "Cork"],
                  standards: standards.map { StandardID($0) }, kind: .stage2, scope: "AI hiring assistants",
                  lead: lead, auditors: auditors)
    }

    /// Every record of `source`, as a sync would deliver them.
    static func records(of source: AuditReplica) throws -> [MergeRecord] {
        try source.store.records(after: 0, limit: .max).map(\.record)
    }

    /// Delivers records and the evidence files they name.
    static func deliver(_ records: [MergeRecord], from source: AuditReplica, to target: AuditReplica) throws {
        let report = try target.receive(records, evidenceFrom: source.evidence)
        XCTAssertEqual(report.rejected, [], "records refused")
    }

    static func exchange(_ source: AuditReplica, _ target: AuditReplica) throws {
        try deliver(records(of: source), from: source, to: target)
    }

    /// Half of `source`'s records, some of them twice, shuffled: a sync cut short and retried.
    static func deliverPartly(from source: AuditReplica, to target: AuditReplica, random: inout SplitMix64) throws {
        var records = try records(of: source).filter { _ in random.next() % 2 == 0 }
        records += records.prefix(Int(random.next() % 5))
        records.shuffle(using: &random)
        try deliver(records, from: source, to: target)
    }

    /// Everything, everywhere, in random order, twice: the network healed.
    static func heal(_ replicas: [AuditReplica], random: inout SplitMix64) throws {
        for _ in 0..<2 {
            for source in replicas {
                for target in replicas where source !== target {
                    var records = try records(of: source)
                    records.shuffle(using: &random)
                    try deliver(records, from: source, to: target)
                }
            }
        }
    }

    static func integrityCheck(_ replica: AuditReplica, file: StaticString = #filePath, line: UInt = #line) throws {
        let check = try replica.store.database.prepare("PRAGMA integrity_check")
        defer { check.reset() }
        XCTAssertTrue(try check.step())
        XCTAssertEqual(check.text(0), "ok", file: file, line: line)
    }
}

