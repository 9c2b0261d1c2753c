import AuditReplica
import MergeCore

/// What a field node may write, decided record by record (SPEC §4): only its own records, only
/// in audits its auditor is on, never the audit plan (the central's), and the recommendation
/// only from the lead. Pure: the plans come from the caller.
struct RecordPolicy {
    let node: NodeID
    let auditor: String
    /// The plans of the audits records name, as the central holds them; nil for an unknown audit.
    let plan: (String) -> AuditPlan?
    /// For an audit already decided, the decision in words ("granted by carol at …"): its
    /// record is frozen (SPEC §2.1), so nothing more is written to it.
    var decided: (String) -> String? = { _ in nil }

    static let fieldEntities: Set<String> = [
        AuditSchema.Entity.item, AuditSchema.Entity.finding, AuditSchema.Entity.evidence, AuditSchema.Entity.note,
    ]
    static let recommendationFields: Set<String> = [
        AuditSchema.AuditField.recommendation, AuditSchema.AuditField.recommendationNote, AuditSchema.AuditField.recommendedBy,
    ]

    /// Nil when the record may be applied; otherwise why not, in words for the auditor.
    func refusal(of record: MergeRecord) -> String? {
        guard record.timestamp.node == node else {
            return "record by node \(record.timestamp.node.hex): a node sends only its own records"
        }
        let audit = AuditSchema.audit(ofKey: record.key)
        guard let plan = plan(audit) else { return "audit \(audit) is not known at the central" }
        guard plan.team.contains(auditor) else { return "auditor \(auditor) is not on the team of audit \(audit)" }
        if let reason = plan.frozen {
            return "audit \(audit) is read-only (\(reason)): its record takes no more writes"
        }
        if let decision = decided(audit) {
            return "audit \(audit) is decided (\(decision)): the record the decision rests on is frozen, and takes no more writes"
        }
        if record.entity == AuditSchema.Entity.audit {
            guard record.key == audit, Self.recommendationFields.contains(record.field) else {
                return "\(record.field) of audit \(audit) is part of the audit plan, which only the central changes"
            }
            guard plan.lead == auditor else { return "only the lead auditor (\(plan.lead)) records the recommendation" }
            return nil
        }
        guard Self.fieldEntities.contains(record.entity) else { return "unknown kind of record '\(record.entity)'" }
        guard record.key != audit else { return "a \(record.entity) record must name a member of audit \(audit)" }
        return nil
    }
}
