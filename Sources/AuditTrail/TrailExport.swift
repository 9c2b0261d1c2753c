import AuditReplica
import CanonicalJSON
import CentralNode
import Crypto
import Foundation
import HexEncoding
import MergeCore
import RecordSeals
import ReplicaStore

extension Central {
    /// The audit's trail as JSON lines (protocol/trail.md): a header naming the central and its
    /// record key; every node that wrote to the audit with its record key and auditor, attested
    /// by the central; every run of the audit in log order, its seal and its records (signed bytes
    /// beside what they say, and who wrote them); the decisions; the certificates issued on it
    /// with the key set that verifies them; and the SHA-256 of the audit document as it stands.
    public func exportTrail(audit: String) throws -> String {
        _ = try replica.plan(of: audit)
        guard let centralKey = store.recordSigningKey else { throw CentralError.missingKey(path: Central.recordKeyPath, what: "record key") }
        let sequences = try store.sequences(in: KeyScope(audit), entities: AuditSchema.Entity.all)
        let rows = try zip(sequences, store.records(at: sequences)).map { (sequence: $0.0, record: $0.1) }
        let sealed = try store.sealedRuns(rows)
        let withheld = try store.withheldRuns(after: 0, through: try store.lastSequence()).filter { $0.run.seal.scope == audit }
        var positioned = sealed.runs.map { (position: $0.lastSequence ?? 0, run: $0) } + withheld
        positioned.sort { $0.position < $1.position }

        // Who is who: the central attests each writer's record key and auditor.
        let names = Dictionary(uniqueKeysWithValues: try auditors().map { ($0.id, $0.name) })
        let directory = try nodes()
        var writers: [NodeID: TrailNode] = [:]
        for (_, run) in positioned where writers[run.seal.node] == nil {
            let node = run.seal.node
            let auditor = node == self.node ? Central.actor : (directory.first { $0.id == node.hex }?.auditor ?? "")
            guard let key = try recordKey(of: node) else { continue }
            writers[node] = TrailNode(node: node, auditor: auditor, auditorName: node == self.node ? try name : names[auditor] ?? auditor,
                                      recordKey: key,
                                      attestation: try centralKey.sign(TrailFormat.attestedBytes(node: node, recordKey: key, auditor: auditor)))
        }
        var lines: [JSONValue] = [[
            "trail": .string(TrailFormat.name), "version": .int(TrailFormat.version), "audit": .string(audit),
            "central": ["node": .string(self.node.hex), "name": .string(try name), "record_key": .string(Base64URL.encode(centralKey.publicKey))],
            "exported_at": .string(ISO8601.string(milliseconds: store.now())),
        ]]
        lines += writers.values.sorted { $0.node.hex < $1.node.hex }.map { ["node": $0.json] }
        for (_, run) in positioned {
            let author = writers[run.seal.node]?.auditor ?? ""
            lines.append(["run": [
                "seal": .string(Base64URL.encode(run.seal.encoded())),
                "withheld": .optional(run.withheld),
                "records": .array(run.records.map { TrailFormat.readable($0, author: author) }),
            ]])
        }
        for decision in try decisions(audit: audit) {
            lines.append(["decision": [
                "reviewer": .string(decision.reviewer), "outcome": .string(decision.granted ? "grant" : "refuse"),
                "reason": .optional(decision.reason), "decided_at": .string(decision.decidedAt),
                "certificate": .optional(decision.certificate), "document_sha256": .optional(decision.documentSHA256),
            ]])
        }
        let issued = try certificates().flatMap { try revisions(of: $0.data.number) }.filter { $0.data.audit == audit }
        if !issued.isEmpty {
            lines.append(["keys": try publicKeys().document])
            for revision in issued {
                lines.append(["certificate": ["number": .string(revision.data.number), "revision": .int(revision.data.revision),
                                              "jws": .string(revision.credential)]])
            }
        }
        lines.append(["document_sha256": .string(try documentDigest(audit: audit))])
        // Last, the central's signature over every byte before it: names, dates and order included.
        let body = lines.map { $0.encoded(pretty: false) }.joined(separator: "\n") + "\n"
        let signature: JSONValue = ["signature": .string(Base64URL.encode(try centralKey.sign(Array(body.utf8))))]
        return body + signature.encoded(pretty: false) + "\n"
    }
}
