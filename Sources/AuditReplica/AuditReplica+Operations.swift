import AuditDomain
import Foundation
import MergeCore
import ReplicaStore

extension AuditReplica {
    /// Creates an audit and its checklist (the central does this when it plans the audit).
    public func createAudit(_ plan: AuditPlan) throws {
        typealias F = AuditSchema.AuditField
        guard plan.standards.contains(where: { Catalog.standard($0)?.certifiable == true }) else {
            throw DomainError.noCertifiableStandard
        }
        for standard in plan.standards where Catalog.standard(standard) == nil {
            throw DomainError.unknownStandard(standard.rawValue)
        }
        try requireText(plan.scope, "audit scope")
        let audit = AuditSchema.Entity.audit
        var optional: [FieldWrite] = []
        if let certificate = plan.certificate { optional.append(FieldWrite(audit, plan.id, F.certificate, .text(certificate))) }
        if let from = plan.plannedFrom { optional.append(FieldWrite(audit, plan.id, F.plannedFrom, .text(from))) }
        if let to = plan.plannedTo { optional.append(FieldWrite(audit, plan.id, F.plannedTo, .text(to))) }
        if !plan.earlier.isEmpty { optional.append(FieldWrite(audit, plan.id, F.earlier, .text(plan.earlier.joined(separator: "\n")))) }
        try write(optional + [
            FieldWrite(audit, plan.id, F.client, .text(plan.client)),
            FieldWrite(audit, plan.id, F.clientName, .text(plan.clientName)),
            FieldWrite(audit, plan.id, F.sites, .text(plan.sites.joined(separator: "\n"))),
            FieldWrite(audit, plan.id, F.standards, .text(plan.standards.map(\.rawValue).joined(separator: "\n"))),
            FieldWrite(audit, plan.id, F.kind, .text(plan.kind.rawValue)),
            FieldWrite(audit, plan.id, F.scope, .text(plan.scope)),
            FieldWrite(audit, plan.id, F.lead, .text(plan.lead)),
            FieldWrite(audit, plan.id, F.team, .text(plan.team.joined(separator: "\n"))),
        ])
    }

    /// Records the result of one checklist item. `not-applicable` needs a justification note.
    /// The note is written with every result, absent as null: a justification written for an
    /// earlier result must not stay beside a new one it does not explain.
    /// `not-applicable` is refused on an item the catalog does not let a client exclude: the grant
    /// would fail on it, so the auditor hears it on site rather than at the decision.
    public func recordResult(audit: String, item: String, result: ChecklistResult, note: String?) throws {
        _ = try writablePlan(of: audit)
        let itemID = try checklistItem(item, in: audit)
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        try requireFitting(note, "note")
        if result.needsJustification && (note ?? "").isEmpty {
            throw DomainError.missingJustification(item: itemID.description)
        }
        if result == .notApplicable && !itemID.isExcludable {
            throw DomainError.notExcludable(item: itemID.description,
                                            standard: Catalog.standard(itemID.standard)?.designation ?? itemID.standard.rawValue)
        }
        typealias F = AuditSchema.ItemField
        let key = AuditSchema.memberKey(audit: audit, member: itemID.description)
        try write([
            FieldWrite(AuditSchema.Entity.item, key, F.result, .text(result.rawValue)),
            FieldWrite(AuditSchema.Entity.item, key, F.by, .text(actor)),
            FieldWrite(AuditSchema.Entity.item, key, F.note, note.flatMap { $0.isEmpty ? nil : .text($0) } ?? .null),
        ])
    }

    /// Adds a note to the audit, optionally about one checklist item. Returns the note's id.
    @discardableResult
    public func addNote(audit: String, item: String?, text: String) throws -> String {
        _ = try writablePlan(of: audit)
        let itemID = try item.map { try checklistItem($0, in: audit) }
        try requireText(text, "note")
        let id = MemberID.make(prefix: "N")
        let key = AuditSchema.memberKey(audit: audit, member: id)
        typealias F = AuditSchema.NoteField
        var writes = [
            FieldWrite(AuditSchema.Entity.note, key, AuditSchema.present, .bool(true)),
            FieldWrite(AuditSchema.Entity.note, key, F.text, .text(text)),
            FieldWrite(AuditSchema.Entity.note, key, F.by, .text(actor)),
        ]
        if let itemID { writes.append(FieldWrite(AuditSchema.Entity.note, key, F.item, .text(itemID.description))) }
        try write(writes)
        return id
    }

    /// Removes a note: a tombstone, so the note stays in the audit trail.
    public func removeNote(audit: String, note: String) throws {
        try removeMember(entity: AuditSchema.Entity.note, audit: audit, id: note) { DomainError.unknownNote($0) }
    }

    /// Records the lead auditor's recommendation to the certification decision maker.
    public func recommend(audit: String, _ recommendation: Recommendation, note: String?) throws {
        let plan = try writablePlan(of: audit)
        guard plan.lead == actor else { throw DomainError.notLead(auditor: actor, audit: audit) }
        try requireFitting(note, "recommendation note")
        typealias F = AuditSchema.AuditField
        let entity = AuditSchema.Entity.audit
        try write([
            FieldWrite(entity, audit, F.recommendation, .text(recommendation.rawValue)),
            FieldWrite(entity, audit, F.recommendationNote, note.map(MergeValue.text) ?? .null),
            FieldWrite(entity, audit, F.recommendedBy, .text(actor)),
        ])
    }

    /// Parses an item and checks it is on the audit's checklist.
    func checklistItem(_ text: String, in audit: String) throws -> ChecklistItemID {
        let plan = try plan(of: audit)
        let item = try ChecklistItemID(parsing: text)
        guard plan.standards.contains(item.standard),
              Catalog.standard(item.standard)?.auditableItems.contains(where: { $0.number == item.number }) == true
        else { throw DomainError.itemNotInAudit(item: item.description, audit: audit) }
        return item
    }

    func requireText(_ text: String, _ what: String) throws {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw DomainError.emptyText(what: what) }
        try requireFitting(text, what)
    }

    /// Refuses text the central would refuse for its size (`AuditSchema.Limits`): here the
    /// auditor can still shorten it.
    func requireFitting(_ text: String?, _ what: String, limit: Int = AuditSchema.Limits.textBytes) throws {
        guard let text, text.utf8.count > limit else { return }
        throw DomainError.textTooLong(what: what, bytes: text.utf8.count, limit: limit)
    }

    /// Writes a tombstone for a collection member that this replica shows as present.
    func removeMember(entity: String, audit: String, id: String, unknown: (String) -> DomainError) throws {
        _ = try writablePlan(of: audit)
        let key = AuditSchema.memberKey(audit: audit, member: id)
        guard let member = try snapshot(entity: entity, in: KeyScope(audit))[key] else { throw unknown(id) }
        guard member.isPresent else { throw DomainError.removed(what: entity, id: id) }
        try write([FieldWrite(entity, key, AuditSchema.present, .bool(false))])
    }
}
