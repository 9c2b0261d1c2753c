import AuditReplica
import Foundation
import ReplicaStore

/// Damaged evidence on this laptop: set aside, described with the records that name it.
extension FieldNode {
    /// The evidence records that name each blob, by the blob's SHA-256; only records still in
    /// their audit (a removed one needs nothing added again).
    func evidenceReferences() throws -> [String: [EvidenceReference]] {
        typealias Field = AuditSchema.EvidenceField
        var fields: [String: [String: String]] = [:]
        var present: Set<String> = []
        for state in try store.fieldStates(entity: AuditSchema.Entity.evidence) {
            if state.id.field == AuditSchema.present {
                if state.value == .bool(true) { present.insert(state.id.key) }
            } else if let text = state.value.text {
                fields[state.id.key, default: [:]][state.id.field] = text
            }
        }
        var references: [String: [EvidenceReference]] = [:]
        for (key, values) in fields where present.contains(key) {
            guard let sha256 = values[Field.sha256] else { continue }
            references[sha256, default: []].append(EvidenceReference(
                audit: AuditSchema.audit(ofKey: key), id: AuditSchema.member(ofKey: key), name: values[Field.name],
                finding: values[Field.finding], addedBy: values[Field.addedBy]))
        }
        return references.mapValues { $0.sorted { ($0.audit, $0.id) < ($1.audit, $1.id) } }
    }

    /// A blob just set aside, in the auditor's words.
    func describe(_ damaged: EvidenceStore.DamagedBlob, references: [String: [EvidenceReference]]) throws -> DamagedEvidence {
        Self.describe(damaged, in: directory, references: references, auditor: try enrollment?.auditor)
    }

    static func describe(_ damaged: EvidenceStore.DamagedBlob, in directory: URL, references: [String: [EvidenceReference]],
                         auditor: String?) -> DamagedEvidence {
        DamagedEvidence(sha256: damaged.sha256, state: .quarantined, keptAt: damaged.keptAt.map { relativePath($0, in: directory) },
                        problem: damaged.problem, evidence: references[damaged.sha256] ?? [], auditor: auditor)
    }

    /// Notes what became of a blob set aside (at this sync or earlier) in `summary`, adding it
    /// when this sync did not set it aside itself.
    func note(_ sha256: String, _ state: DamagedEvidence.State, keptAt copies: [URL]?, in summary: inout SyncSummary) throws {
        if let index = summary.quarantined.firstIndex(where: { $0.sha256 == sha256 }) {
            summary.quarantined[index].state = state
            return
        }
        summary.quarantined.append(DamagedEvidence(
            sha256: sha256, state: state, keptAt: copies?.last.map(relativePath),
            evidence: try evidenceReferences()[sha256] ?? [], auditor: try enrollment?.auditor))
    }

    /// `blobs/quarantine/…`: a place under the data directory as the auditor would type it there.
    func relativePath(_ url: URL) -> String {
        Self.relativePath(url, in: directory)
    }

    static func relativePath(_ url: URL, in directory: URL) -> String {
        let base = directory.standardizedFileURL.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
