import AuditDomain
import AuditReplica
import CanonicalJSON
import CentralNode
import Crypto
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
        try central.addAuditor(id: "carol", name: "Carol Ng", roles: [.reviewer])
        let client = try central.addClient(name: "Acme AI Ltd", sites: ["1 Main Street, Dublin"])
        let audit = try central.createAudit(client: client, standards: [StandardID("iso42001:2023")], kind: .stage2,
                                            scope: "Design and operation of AI hiring assistants",
                                            lead: "alice", auditors: ["bob"])
        let checklist = try central.replica.checklist(audit: audit)
        say("central node \(central.node.hex): auditors alice (lead), bob, carol (reviewer); client \(client)")
        say("audit \(audit): stage 2, ISO/IEC 42001:2023, \(checklist.count) checklist items (clauses 4–10 and Annex A)")

        step("2. Each auditor takes a replica of the audit to the client's site")
        let alice = try fieldReplica("alice")
        let bob = try fieldReplica("bob")
        for replica in [alice, bob] { try exchange(from: central.replica, to: replica) }
        say("alice and bob each hold \(try alice.store.recordCount()) merge records in their own SQLite file")
        say("(records move by hand here; the encrypted sync protocol arrives in a later step)")

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

        step("4. Back online, the replicas merge (any order, any number of times)")
        try exchange(from: bob, to: alice)
        try exchange(from: alice, to: bob)
        try exchange(from: alice, to: bob)   // a duplicate delivery changes nothing
        for replica in [alice, bob] { try exchange(from: replica, to: central.replica) }
        let conflicts = try alice.conflicts(audit: audit)
        for conflict in conflicts where conflict.field != AuditSchema.ItemField.by {
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
        try exchange(from: alice, to: bob)
        try bob.updateFinding(finding, FindingUpdate(status: .responded,
                                                     note: "Client: criteria approved at the 3 March board meeting; policy updated"))
        try bob.updateFinding(finding, FindingUpdate(status: .accepted, note: "Correction and plan are adequate"))
        try exchange(from: bob, to: alice)
        try alice.recommend(audit: audit, .grant, note: "Minor finding accepted; no major nonconformities")
        say("finding \(finding): open → responded → accepted; alice (lead) recommends: grant")
        do {
            try bob.recommend(audit: audit, .refuse, note: nil)
        } catch {
            say("bob trying to recommend is refused: \(error)")
        }

        step("7. Everyone converges")
        for _ in 0..<2 {
            for (from, to) in [(alice, bob), (bob, alice), (alice, central.replica), (bob, central.replica)] {
                try exchange(from: from, to: to)
            }
        }
        let hashes = try digests(audit, [("central", central.replica), ("alice", alice), ("bob", bob)])
        let converged = Set(hashes.values).count == 1
        let remaining = try central.replica.conflicts(audit: audit).count
        say(converged ? "all three documents are byte-identical" : "documents DIFFER — this is a bug")
        say("open conflicts: \(remaining); the merge log keeps every write: \(try central.store.recordCount()) records")
        guard converged else { throw DemoError.diverged }

        step("8. The central serves; alice's laptop enrolls and connects over the encrypted channel")
        let channel = try runChannelStep(central: central, alice: alice)

        say("\nsee it yourself: auditsync central audit show --audit \(audit) --data \(directory.path)/central  (with --keep)")
        return [
            "audit": .string(audit),
            "converged": .bool(converged),
            "conflicts_before_resolution": .int(conflicts.count),
            "conflicts_after_resolution": .int(remaining),
            "records": .int(try central.store.recordCount()),
            "document_sha256": .string(hashes["central"] ?? ""),
            "first_merge_sha256": .object(firstHashes.mapValues(JSONValue.string)),
            "enrolled_for": .string(channel.enrolledFor),
            "token_reuse_refused": .string(channel.tokenReuse),
            "channel_ping_answered": .bool(channel.pong),
            "unregistered_laptop_refused": .string(channel.strangerRefusal),
        ]
    }

    private func fieldReplica(_ auditor: String) throws -> AuditReplica {
        let home = directory.appendingPathComponent(auditor)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let store = try ReplicaStore(path: home.appendingPathComponent("field.sqlite").path, create: true)
        return AuditReplica(store: store, evidence: EvidenceStore(root: home.appendingPathComponent("blobs")), actor: auditor)
    }

    /// Hands every record of one replica to another (evidence files travel with them).
    private func exchange(from source: AuditReplica, to target: AuditReplica) throws {
        try target.receive(try source.store.records(after: 0, limit: .max).map(\.record), evidenceFrom: source.evidence)
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
