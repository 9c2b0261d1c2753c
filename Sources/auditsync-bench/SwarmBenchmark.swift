import AuditDomain
import AuditReplica
import CentralNode
import Dispatch
import FieldNode
import Foundation
import MergeCore
import NoiseProtocol
import ReplicaStore
import Transport
import WireProtocol

/// N field nodes, each with its own offline work in one shared audit, sync with one central at
/// the same moment, twice (the second round brings each what the others sent). Nothing may be
/// lost: every node must end with the central's record count and exact audit document.
struct SwarmBenchmark {
    let nodes: Int
    let directory: URL

    struct Result {
        var nodes = 0
        var firstRoundSeconds = 0.0
        var secondRoundSeconds = 0.0
        var centralRecords = 0
        var converged = 0
        var failures: [String] = []
    }

    func run() throws -> Result {
        var result = Result()
        result.nodes = nodes
        let central = try Central.initialize(at: directory.appendingPathComponent("central"), name: "Swarm Body",
                                             listen: try ListenAddress(parsing: "127.0.0.1:0"))
        let team = (0..<nodes).map { "auditor\($0)" }
        for auditor in team {
            try central.addAuditor(id: auditor, name: auditor, roles: [.lead])
            try central.qualify(auditor: auditor, for: StandardID("iso42001:2023"))
        }
        let client = try central.addClient(name: "Acme", sites: ["Dublin"])
        let audit = try central.createAudit(client: client, standards: [StandardID("iso42001:2023")], kind: .stage2,
                                            scope: "AI", lead: team[0], auditors: Array(team.dropFirst()))
        let served = try ServedCentral(central: central)
        defer { served.stop() }

        let homes = try team.enumerated().map { index, auditor -> URL in
            let home = directory.appendingPathComponent(auditor)
            let field = try FieldNode(at: home, create: true)
            let (node, key) = try field.prepareEnrollment()
            try central.registerNode(id: node.hex, publicKey: key.publicKey, auditor: auditor)
            try field.recordEnrollment(EnrollGrant(auditor: auditor, auditorName: auditor, centralName: "Swarm Body"),
                                       token: served.token)
            _ = try field.sync(on: served.clientLoop)
            let replica = try field.replica()
            let items = try replica.checklist(audit: audit).map(\.item.description)
            for item in items.prefix(3) + items.dropFirst(3 + index % 60).prefix(5) {
                try replica.recordResult(audit: audit, item: item, result: index % 2 == 0 ? .conform : .nonconform,
                                         note: "node \(index)")
            }
            _ = try replica.addNote(audit: audit, item: nil, text: "node \(index) was here")
            return home
        }

        result.firstRoundSeconds = ProcessStats.wallSeconds { result.failures += syncAll(homes, loop: served.clientLoop) }
        result.secondRoundSeconds = ProcessStats.wallSeconds { result.failures += syncAll(homes, loop: served.clientLoop) }
        result.centralRecords = try central.store.recordCount()
        let document = try central.replica.document(audit: audit)
        for home in homes {
            let field = try FieldNode(at: home)
            if try field.store.recordCount() == result.centralRecords, try field.replica().document(audit: audit) == document {
                result.converged += 1
            }
        }
        return result
    }

    /// Every node syncs on its own thread, all started together; returns the errors.
    private func syncAll(_ homes: [URL], loop: EventLoop) -> [String] {
        let errors = ErrorList()
        let group = DispatchGroup()
        for home in homes {
            group.enter()
            Thread {
                do {
                    _ = try FieldNode(at: home).sync(on: loop)
                } catch {
                    errors.append("\(home.lastPathComponent): \(error)")
                }
                group.leave()
            }.start()
        }
        group.wait()
        return errors.values
    }
}

private final class ErrorList: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ error: String) { lock.withLock { stored.append(error) } }
    var values: [String] { lock.withLock { stored } }
}
