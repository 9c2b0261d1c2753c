import AuditDocumentFormat
import AuditDomain
import CanonicalJSON
import MergeCore
import ReplicaStore

extension AuditReplica {
    /// The audit's merged state as one canonical document: sorted keys, collections in a fixed
    /// order, conflicts included, nothing local to this replica. Replicas that hold the same
    /// records print identical bytes — the check that they converged.
    public func document(audit: String) throws -> JSONValue {
        try auditDocument(audit: audit).json
    }

    /// The same document, typed.
    public func auditDocument(audit: String) throws -> AuditDocument {
        let plan = try plan(of: audit)
        let scope = KeyScope(audit)
        let auditFields = try snapshot(entity: AuditSchema.Entity.audit, in: scope)[audit]
        let checklist = try checklist(audit: audit)
        let findings = try members(AuditSchema.Entity.finding, in: scope)
        let removed = try [AuditSchema.Entity.finding, AuditSchema.Entity.evidence, AuditSchema.Entity.note]
            .flatMap { entity in
                try snapshot(entity: entity, in: scope).values.filter { !$0.isPresent }
                    .map { AuditDocument.Removed(entity: entity, id: AuditSchema.member(ofKey: $0.key)) }
            }
            // The order the document always had: by the member's JSON text, `{"entity":…,"id":…}`.
            .sorted { ($0.entity, $0.id) < ($1.entity, $1.id) }

        typealias A = AuditSchema.AuditField
        let recommendation = auditFields?.fields[A.recommendation].map { state in
            AuditDocument.Recommendation(decision: state.value.text ?? "", note: auditFields?.text(A.recommendationNote),
                                         by: auditFields?.text(A.recommendedBy), at: Self.time(state.timestamp))
        }
        let planned = plan.plannedFrom == nil && plan.plannedTo == nil
            ? nil : AuditDocument.Planned(from: plan.plannedFrom, to: plan.plannedTo)

        return AuditDocument(
            audit: plan.id,
            client: AuditDocument.Client(id: plan.client, name: plan.clientName, sites: plan.sites),
            kind: plan.kind.rawValue, scope: plan.scope, standards: plan.standards.map(\.rawValue),
            team: AuditDocument.Team(lead: plan.lead, auditors: plan.auditors),
            certificate: plan.certificate, planned: planned, earlier: plan.earlier, frozen: plan.frozen,
            checklist: checklist.map(\.documentEntry),
            findings: findings.map(\.documentFinding),
            evidence: try members(AuditSchema.Entity.evidence, in: scope).map(\.documentEvidence),
            notes: try members(AuditSchema.Entity.note, in: scope).map(\.documentNote),
            removed: removed, recommendation: recommendation,
            conflicts: try conflicts(audit: audit).map(\.documentConflict),
            summary: summary(checklist: checklist, findings: findings))
    }

    /// Present members of a collection, by id.
    private func members(_ entity: String, in scope: KeyScope) throws -> [EntitySnapshot] {
        try snapshot(entity: entity, in: scope).values.filter(\.isPresent).sorted { $0.key < $1.key }
    }

    private func summary(checklist: [ChecklistLine], findings: [EntitySnapshot]) -> AuditDocument.Summary {
        var results: [String: Int] = [:]
        for result in ChecklistResult.allCases {
            results[result.rawValue] = checklist.filter { $0.result == result }.count
        }
        var byStatus: [String: Int] = [:]
        for status in FindingStatus.allCases {
            byStatus[status.rawValue] = findings.filter { $0.text(AuditSchema.FindingField.status) == status.rawValue }.count
        }
        return AuditDocument.Summary(items: checklist.count, results: results, findings: byStatus)
    }

    static func time(_ timestamp: Timestamp) -> String {
        ISO8601.string(milliseconds: timestamp.milliseconds)
    }
}

extension ChecklistLine {
    var documentEntry: AuditDocument.ChecklistEntry {
        AuditDocument.ChecklistEntry(item: item.description, title: title, result: result.rawValue, note: note, by: recordedBy,
                                     at: recorded.map(AuditReplica.time))
    }

    /// The line as the audit document's `checklist` holds it (commands print the same shape).
    public var json: JSONValue { documentEntry.json }
}

extension EntitySnapshot {
    /// When the member was last changed: the latest stamp of any of its fields.
    private var updated: String? { fields.values.map(\.timestamp).max().map(AuditReplica.time) }

    var documentFinding: AuditDocument.Finding {
        typealias F = AuditSchema.FindingField
        return AuditDocument.Finding(
            id: AuditSchema.member(ofKey: key), item: text(F.item), grade: text(F.grade), statement: text(F.statement),
            status: text(F.status), response: text(F.response), acceptanceNote: text(F.acceptanceNote),
            verificationNote: text(F.verificationNote), note: text(F.note), raisedBy: text(F.raisedBy),
            carriedFrom: text(F.carriedFrom), updated: updated)
    }

    var documentEvidence: AuditDocument.Evidence {
        typealias F = AuditSchema.EvidenceField
        let size: Int? = if case .int(let bytes)? = fields[F.size]?.value { Int(bytes) } else { nil }
        return AuditDocument.Evidence(id: AuditSchema.member(ofKey: key), sha256: text(F.sha256), name: text(F.name), size: size,
                                      finding: text(F.finding), addedBy: text(F.addedBy), updated: updated)
    }

    var documentNote: AuditDocument.Note {
        typealias F = AuditSchema.NoteField
        return AuditDocument.Note(id: AuditSchema.member(ofKey: key), item: text(F.item), text: text(F.text), by: text(F.by),
                                  updated: updated)
    }
}

extension AuditConflict {
    var documentConflict: AuditDocument.Conflict {
        AuditDocument.Conflict(entity: entity, id: member, field: field, winner: winner.documentWrite,
                               concurrent: losers.map(\.documentWrite))
    }

    /// The entry of the audit document's `conflicts` (commands print the same shape).
    public var json: JSONValue { documentConflict.json }
}

extension MergeRecord {
    var documentWrite: AuditDocument.Write {
        AuditDocument.Write(value: value.json, at: AuditReplica.time(timestamp), node: origin.hex, stamp: timestamp.description)
    }
}

extension MergeValue {
    public var json: JSONValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .int(let value): .int(Int(value))
        case .text(let value): .string(value)
        }
    }
}
