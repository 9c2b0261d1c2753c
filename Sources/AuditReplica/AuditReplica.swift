import AuditDomain
import Foundation
import MergeCore
import ReplicaStore

/// Audit work on one replica: every operation checks the certification rules against what this
/// replica shows, then writes merge records. Field nodes and the central run the same code.
///
/// `actor` is who works on this replica: the auditor a field node belongs to, or `central`.
public final class AuditReplica {
    public let store: ReplicaStore
    public let evidence: EvidenceStore
    public let actor: String

    public init(store: ReplicaStore, evidence: EvidenceStore, actor: String) {
        self.store = store
        self.evidence = evidence
        self.actor = actor
    }

    /// The audit's plan as this replica knows it, or `unknownAudit`.
    public func plan(of audit: String) throws -> AuditPlan {
        guard !audit.isEmpty, !audit.contains("/"),
              let fields = try snapshot(entity: AuditSchema.Entity.audit, in: KeyScope(audit))[audit]?.fields,
              let plan = AuditPlan(fields: fields, id: audit)
        else { throw DomainError.unknownAudit(audit) }
        return plan
    }

    /// Every audit this replica holds, by id.
    public func audits() throws -> [AuditPlan] {
        let states = try store.fieldStates(entity: AuditSchema.Entity.audit)
        return Dictionary(grouping: states, by: \.id.key)
            .compactMap { key, states in
                AuditPlan(fields: Dictionary(uniqueKeysWithValues: states.map { ($0.id.field, $0) }), id: key)
            }
            .sorted { $0.id < $1.id }
    }

    /// The members of one collection entity (or the single audit entity) in an audit, by key.
    func snapshot(entity: String, in scope: KeyScope) throws -> [String: EntitySnapshot] {
        let states = try store.fieldStates(entity: entity, in: scope)
        var members: [String: [String: FieldState]] = [:]
        for state in states { members[state.id.key, default: [:]][state.id.field] = state }
        var presentConflicts: [String: [MergeValue]] = [:]
        if states.contains(where: { $0.id.field == AuditSchema.present && $0.conflictCount > 0 }) {
            for conflict in try store.conflicts(in: scope)
            where conflict.winner.entity == entity && conflict.winner.field == AuditSchema.present {
                presentConflicts[conflict.winner.key] = conflict.losers.map(\.value)
            }
        }
        return members.mapValues { fields in
            let key = fields.values.first!.id.key
            return EntitySnapshot(key: key, fields: fields, concurrentPresence: presentConflicts[key] ?? [])
        }
    }

    /// The audit's plan, or `auditFrozen` when it takes no more writes. Operations ask first,
    /// before anything else they do, so a refused change leaves nothing behind — not even an
    /// evidence file copied in for it — and the auditor reads why before any other complaint.
    func writablePlan(of audit: String) throws -> AuditPlan {
        let plan = try plan(of: audit)
        if let reason = plan.frozen { throw DomainError.auditFrozen(audit: audit, reason: reason) }
        return plan
    }

    /// Writes the fields of one change as this node, unless an audit they belong to is frozen
    /// (decided, or followed up by a later audit): its record takes no more writes, here as at
    /// the central, which would refuse them anyway.
    @discardableResult
    func write(_ writes: [FieldWrite]) throws -> [MergeRecord] {
        for audit in Set(writes.map { AuditSchema.audit(ofKey: $0.id.key) }) {
            if let plan = try? plan(of: audit), let reason = plan.frozen {
                throw DomainError.auditFrozen(audit: audit, reason: reason)
            }
        }
        return try store.write(writes)
    }

    /// Writes the central's changes to an audit's plan, frozen or not (the freeze itself).
    @discardableResult
    public func writePlan(_ writes: [FieldWrite]) throws -> [MergeRecord] {
        try store.write(writes)
    }
}

/// One entity's current fields.
struct EntitySnapshot {
    let key: String
    let fields: [String: FieldState]
    /// Values of `present` written concurrently with the winning one.
    let concurrentPresence: [MergeValue]

    func text(_ field: String) -> String? { fields[field]?.value.text }

    /// Add-wins membership: present when the winning `present` or any concurrent one is true.
    /// Entities without a `present` field (the audit itself, checklist items) are always present.
    var isPresent: Bool {
        guard let present = fields[AuditSchema.present] else { return true }
        return present.value == .bool(true) || concurrentPresence.contains(.bool(true))
    }
}

extension AuditPlan {
    /// Rebuilds a plan from the audit entity's fields; nil when the audit was never created here.
    init?(fields: [String: FieldState], id: String) {
        typealias F = AuditSchema.AuditField
        guard let client = fields[F.client]?.value.text,
              let kind = fields[F.kind]?.value.text.flatMap(AuditKind.init(rawValue:)),
              let lead = fields[F.lead]?.value.text
        else { return nil }
        let list = { (field: String) in (fields[field]?.value.text ?? "").split(separator: "\n").map(String.init) }
        self.init(id: id, client: client, clientName: fields[F.clientName]?.value.text ?? "",
                  sites: list(F.sites), standards: list(F.standards).map { StandardID($0) },
                  kind: kind, scope: fields[F.scope]?.value.text ?? "", lead: lead,
                  auditors: list(F.team).filter { $0 != lead }, certificate: fields[F.certificate]?.value.text,
                  plannedFrom: fields[F.plannedFrom]?.value.text, plannedTo: fields[F.plannedTo]?.value.text,
                  earlier: list(F.earlier), frozen: fields[F.frozen]?.value.text)
    }
}
