import AuditReplica
import MergeCore

/// What a field node may write, decided record by record (SPEC §3–4, issue 9): only its own
/// records, only in audits its auditor is on and that still take writes, never the audit plan
/// (the central's), and only records that fit the plan and the rules the laptop applies — so a
/// modified laptop cannot skip them. Pure: the plans, decisions and what the central holds come
/// from the caller; the rest of the batch around a record comes as its `Change`.
///
/// The checks run in the order an auditor can act on: where the record goes (its audit), what
/// it is (entity, key, field, value), who it says wrote it, and the rules of the work.
struct RecordPolicy {
    let node: NodeID
    /// The auditor `node` is enrolled for: the only author its records may name.
    let auditor: String
    /// The plans of the audits records name, as the central holds them; nil for an unknown audit.
    let plan: (String) -> AuditPlan?
    /// For an audit already decided, the decision in words ("granted by carol at …"): its
    /// record is frozen (SPEC §2.1), so nothing more is written to it.
    var decided: (String) -> String? = { _ in nil }
    /// The value of a field the central holds at a timestamp (what a record's `seen` names), or
    /// nil when it has no such record.
    var recorded: (FieldID, Timestamp) -> MergeValue? = { _, _ in nil }
    /// The central's own node: a field node that claims its id is refused outright. The
    /// central's own records (plans, freezes, carried findings, which copy the original
    /// `raised_by` and status) never come through here: it writes them itself, and `relay`
    /// refuses them from a laptop. So the authorship and status rules below, which such records
    /// would break legitimately, judge laptops' records only.
    var central: NodeID?

    static let fieldEntities: Set<String> = [
        AuditSchema.Entity.item, AuditSchema.Entity.finding, AuditSchema.Entity.evidence, AuditSchema.Entity.note,
    ]
    static let recommendationFields: Set<String> = [
        AuditSchema.AuditField.recommendation, AuditSchema.AuditField.recommendationNote, AuditSchema.AuditField.recommendedBy,
    ]

    /// Nil when the record may be applied; otherwise why not, in words for the auditor. A record
    /// judged alone is its own change (tests, and callers without a batch).
    func refusal(of record: MergeRecord, in change: Change? = nil) -> RecordRefusal? {
        let change = change ?? Change(records: [record])
        if let central, node == central { return "node \(node.hex) has the central's own id: a laptop never writes as the central" }
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
        } else {
            guard Self.fieldEntities.contains(record.entity) else { return "unknown kind of record '\(record.entity)'" }
            guard record.key != audit else { return "a \(record.entity) record must name a member of audit \(audit)" }
            if let malformed = keyRefusal(record, plan: plan) { return malformed }
        }
        if let misfit = valueRefusal(record, plan: plan) { return misfit }
        return authorshipRefusal(record, in: change) ?? workRefusal(record, plan: plan, in: change)
    }
}

/// Why a record is refused, for the auditor, and whether the same record will be taken later.
struct RecordRefusal: Error, Equatable, ExpressibleByStringInterpolation {
    let reason: String
    /// Nothing is wrong with the record but what the central holds so far: the value it
    /// overwrote has not reached the central yet. The node sends it again at its next sync.
    var retryLater = false

    init(_ reason: String, retryLater: Bool = false) {
        self.reason = reason
        self.retryLater = retryLater
    }

    init(stringLiteral reason: String) {
        self.init(reason)
    }

    init(stringInterpolation: DefaultStringInterpolation) {
        self.init(String(stringInterpolation: stringInterpolation))
    }
}
