import Foundation
import MergeCore
import ReplicaStore

extension AuditReplica {
    /// Applies records from another replica, then copies in the evidence files they name that
    /// this replica lacks (each checked against its SHA-256 on the way in).
    @discardableResult
    public func receive(_ records: [MergeRecord], evidenceFrom source: EvidenceStore) throws -> ApplyReport {
        let report = try store.apply(records)
        for record in records
        where record.entity == AuditSchema.Entity.evidence && record.field == AuditSchema.EvidenceField.sha256 {
            guard let sha = record.value.text, !evidence.contains(sha),
                  let bytes = FileManager.default.contents(atPath: source.url(for: sha).path) else { continue }
            _ = try evidence.add([UInt8](bytes), expecting: sha)
        }
        return report
    }
}
