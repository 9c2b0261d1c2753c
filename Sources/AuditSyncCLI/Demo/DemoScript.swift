import AuditDomain
import AuditReplica
import CanonicalJSON
import CentralNode
import Crypto
import FieldNode
import Foundation
import MergeCore
import ReplicaStore

/// The demo's story, step by step. It uses the same operations the commands use, on real files.
struct DemoScript {
    let directory: URL
    let narrate: (String) -> Void

    func say(_ text: String) { narrate(text) }

    private func step(_ title: String) { say("\n== \(title)") }

    func run() throws -> JSONValue {
        say("AuditSync demo — working in \(directory.path)")

        step("1. The certification body sets up its central node and plans an audit")
        let central = try Central.initialize(at: directory.appendingPathComponent("central"), name: "Example Certification Body")
        try central.addAuditor(id: "alice", name: "Alice Martin", roles: [.auditor, .lead])
        try central.addAuditor(id: "bob", name: "Bob Osei", roles: [.auditor])
        for auditor in ["alice", "bob"] { try central.qualify(auditor: auditor, for: StandardID("iso42001:2023")) }
        try central.addAuditor(id: "carol", name: "Carol Ng", roles: [.reviewer])
        let client = try central.addClient(name: "Acme AI Ltd", sites: ["1 Main Street, Dublin"])
        let audit = try central.createAudit(client: client, standards: [StandardID("iso42001:2023")], kind: .stage2,
                                            scope: "Design and operation of AI hiring assistants",
                                            lead: "alice", auditors: ["bob"])
        let checklist = try central.replica.checklist(audit: audit)
        say("central node \(central.node.hex): auditors alice (lead) and bob, both qualified for ISO/IEC 42001, carol (reviewer); client \(client)")
        say("audit \(audit): stage 2, ISO/IEC 42001:2023, \(checklist.count) checklist items (clauses 4–10 and Annex A)")

        step("2. The central serves; each auditor enrolls a laptop with a one-time token and syncs")
        let network = try DemoNetwork(central: central)
        say("`auditsync central serve` (pid \(network.serverProcess.processIdentifier)): listening on 127.0.0.1:\(network.port)")
        let (aliceNode, aliceToken) = try network.enrollLaptop(directory.appendingPathComponent("alice"), for: "alice")
        let (bobNode, _) = try network.enrollLaptop(directory.appendingPathComponent("bob"), for: "bob")
        say("`central enroll` + `field init`: alice's laptop is node \(aliceNode.node.hex), bob's \(bobNode.node.hex); "
            + "each pinned the central's key from its token and registered its own")
        say("the same token on another laptop: \(network.reuse(aliceToken))")
        let stranger = try network.strangerRefusal(pinning: aliceToken.centralKey)
        say("a laptop that never enrolled: \"\(stranger)\"")
        for (name, node) in [("alice", aliceNode), ("bob", bobNode)] {
            let summary = try network.sync(node)
            say("`field sync` (\(name)): received \(summary.received) records over the encrypted channel")
        }
        let alice = try aliceNode.replica()
        let bob = try bobNode.replica()

        step("3. Offline, both work on the audit — and both judge clause 6.1.2")
        try alice.recordResult(audit: audit, item: "iso42001:2023/4.1", result: .conform, note: "Context analysis reviewed with the CTO")
        try alice.recordResult(audit: audit, item: "iso42001:2023/6.1.2", result: .conform, note: "Risk assessment method documented")
        say("alice: 4.1 conform; 6.1.2 conform")
        try bob.recordResult(audit: audit, item: "iso42001:2023/6.1.2", result: .nonconform, note: "Risk criteria not approved")
        let evidenceFile = directory.appendingPathComponent("risk-register-extract.txt")
        try Data("Risk register v3 — criteria column blank for 12 of 40 risks\n".utf8).write(to: evidenceFile)
        let finding = try bob.addFinding(audit: audit, item: "iso42001:2023/6.1.2", grade: .minor,
                                         statement: "AI risk criteria have not been approved by management",
                                         evidenceFiles: [evidenceFile])
        say("bob:   6.1.2 nonconform; raises minor finding \(finding) with evidence \(evidenceFile.lastPathComponent)")
        do {
            try bob.recordResult(audit: audit, item: "iso42001:2023/A.10.4", result: .notApplicable, note: nil)
        } catch {
            say("bob:   A.10.4 not-applicable without a reason is refused: \(error)")
        }
        try bob.recordResult(audit: audit, item: "iso42001:2023/A.10.4", result: .notApplicable,
                             note: "The client has no external customers of its AI systems")
        say("bob:   A.10.4 not-applicable, with the justification")

        step("4. Back online, both sync (in any order, as often as they like)")
        for (name, node) in [("bob", bobNode), ("alice", aliceNode), ("bob", bobNode)] {
            let summary = try network.sync(node)
            say("`field sync` (\(name)): sent \(summary.sent), received \(summary.received), conflicts \(summary.conflicts), "
                + "evidence files \(summary.blobs)")
        }
        let conflicts = try alice.conflicts(audit: audit)
        for conflict in conflicts where conflict.field == AuditSchema.ItemField.result {
            let losers = conflict.losers.map { "'\($0.value)'" }.joined(separator: ", ")
            say("conflict on \(conflict.member) \(conflict.field): shows '\(conflict.winner.value)' (the later write), "
                + "also written concurrently: \(losers) — nothing is lost")
        }
        let firstHashes = try digests(audit, [("central", central.replica), ("alice", alice), ("bob", bob)])

        step("5. The lead resolves the conflict by writing the result again")
        try alice.recordResult(audit: audit, item: "iso42001:2023/6.1.2", result: .nonconform,
                               note: "Agreed with bob: risk criteria not approved (finding \(finding))")
        say("alice: 6.1.2 nonconform — her write saw both values, so it supersedes them")

        step("6. The finding runs its course; the rules hold on every replica")
        do {
            try alice.updateFinding(finding, FindingUpdate(status: .closed))
        } catch {
            say("closing an open finding directly is refused: \(error)")
        }
        _ = try network.sync(aliceNode)
        _ = try network.sync(bobNode)
        try bob.updateFinding(finding, FindingUpdate(status: .responded,
                                                     note: "Client: criteria approved at the 3 March board meeting; policy updated"))
        try bob.updateFinding(finding, FindingUpdate(status: .accepted, note: "Correction and plan are adequate"))
        _ = try network.sync(bobNode)
        _ = try network.sync(aliceNode)
        try alice.recommend(audit: audit, .grant, note: "Minor finding accepted; no major nonconformities")
        say("finding \(finding): open → responded → accepted; alice (lead) recommends: grant")
        do {
            try bob.recommend(audit: audit, .refuse, note: nil)
        } catch {
            say("bob trying to recommend is refused: \(error)")
        }

        var completed = 0
        for line in try alice.checklist(audit: audit) where line.result == .notAudited && line.item.standard.rawValue == "iso42001:2023" {
            try alice.recordResult(audit: audit, item: line.item.description, result: .conform, note: nil)
            completed += 1
        }
        say("alice records the other \(completed) checklist items (conform) before leaving the site")

        step("7. Everyone syncs once more and converges")
        for node in [aliceNode, bobNode, aliceNode] { _ = try network.sync(node) }
        let hashes = try digests(audit, [("central", central.replica), ("alice", alice), ("bob", bob)])
        let converged = Set(hashes.values).count == 1
        let remaining = try central.replica.conflicts(audit: audit).count
        say(converged ? "all three documents are byte-identical" : "documents DIFFER — this is a bug")
        say("open conflicts: \(remaining); the merge log keeps every write: \(try central.store.recordCount()) records")
        say("SIGTERM: the central stopped cleanly (exit status \(network.stop()))")
        guard converged else { throw DemoError.diverged }

        step("8. A reviewer who was not on the team decides; the certificate is signed and checked")
        let certificate = try runCertificationStep(central: central, audit: audit)

        step("9. The cycle goes on: a surveillance team follows up, a reduction makes revision 2")
        let cycle = try runCycleStep(central: central, stage2: audit, certificate: certificate.number)

        say("\nsee it yourself: auditsync central audit show --audit \(audit) --data \(directory.path)/central  (with --keep)")
        return [
            "audit": .string(audit),
            "converged": .bool(converged),
            "conflicts_before_resolution": .int(conflicts.count),
            "conflicts_after_resolution": .int(remaining),
            "records": .int(try central.store.recordCount()),
            // The document the decision rests on, as `central audit show --json` prints it now.
            "document_sha256": .string(try central.documentDigest(audit: audit)),
            "first_merge_sha256": .object(firstHashes.mapValues(JSONValue.string)),
            "enrolled_for": .string(try aliceNode.enrollment?.auditor ?? ""),
            "certificate": .string(certificate.number),
            "certificate_status": .string(certificate.status),
            "certificate_status_after_suspension": .string(cycle.suspended),
            "surveillance": .string(cycle.surveillance),
            "certificate_revision": .int(cycle.revision),
            "revision_1_status": .string(cycle.superseded),
            "token_reuse_refused": .string(network.reuse(aliceToken)),
            "unregistered_laptop_refused": .string(stranger),
        ]
    }

    private func digests(_ audit: String, _ replicas: [(String, AuditReplica)]) throws -> [String: String] {
        var result: [String: String] = [:]
        for (name, replica) in replicas {
            let document = try replica.document(audit: audit).encoded(pretty: true)
            let digest = SHA256.hash(data: Data(document.utf8)).map { String(format: "%02x", $0) }.joined()
            result[name] = digest
            say("  \(name.padding(toLength: 8, withPad: " ", startingAt: 0)) audit document SHA-256 \(digest.prefix(16))…")
        }
        return result
    }
}

enum DemoError: Error, CustomStringConvertible {
    case diverged
    var description: String { "the replicas did not converge; please report this with the demo's output" }
}
