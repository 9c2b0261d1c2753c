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

    /// Moves the damaged blob `sha256` to `blobs/quarantine/` and describes it. A file that
    /// cannot be moved is still described (and not sent): the auditor is told to move it.
    func setAside(_ sha256: String, references: [String: [EvidenceReference]]) throws -> DamagedEvidence {
        let auditor = try enrollment?.auditor
        do {
            let kept = try evidence.quarantine(sha256)
            return DamagedEvidence(sha256: sha256, state: .quarantined, keptAt: kept.map(relativePath),
                                   evidence: references[sha256] ?? [], auditor: auditor)
        } catch {
            return DamagedEvidence(sha256: sha256, state: .quarantined, keptAt: nil, problem: "\(error)",
                                   evidence: references[sha256] ?? [], auditor: auditor)
        }
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
        let base = directory.standardizedFileURL.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
