import AuditDomain
import CanonicalJSON
import MergeCore
import ReplicaStore

extension AuditReplica {
    /// The audit's merged state as one canonical document: sorted keys, collections in a fixed
    /// order, conflicts included, nothing local to this replica. Replicas that hold the same
    /// records print identical bytes — the check that they converged.
    public func document(audit: String) throws -> JSONValue {
        let plan = try plan(of: audit)
        let scope = KeyScope(audit)
        let auditFields = try snapshot(entity: AuditSchema.Entity.audit, in: scope)[audit]
        let checklist = try checklist(audit: audit)
        let findings = try members(AuditSchema.Entity.finding, in: scope)
        let evidence = try members(AuditSchema.Entity.evidence, in: scope)
        let notes = try members(AuditSchema.Entity.note, in: scope)
        let removed = try [AuditSchema.Entity.finding, AuditSchema.Entity.evidence, AuditSchema.Entity.note]
            .flatMap { entity in
                try snapshot(entity: entity, in: scope).values.filter { !$0.isPresent }
                    .map { JSONValue.object(["entity": .string(entity), "id": .string(AuditSchema.member(ofKey: $0.key))]) }
            }

        typealias A = AuditSchema.AuditField
        let recommendation: JSONValue = auditFields?.fields[A.recommendation].map { state in
            [
                "decision": .string(state.value.text ?? ""),
                "note": .optional(auditFields?.text(A.recommendationNote)),
                "by": .optional(auditFields?.text(A.recommendedBy)),
                "at": .string(ISO8601.string(milliseconds: state.timestamp.milliseconds)),
            ]
        } ?? .null

        return [
            "audit": .string(plan.id),
            "client": ["id": .string(plan.client), "name": .string(plan.clientName), "sites": .array(plan.sites.map(JSONValue.string))],
            "kind": .string(plan.kind.rawValue),
            "scope": .string(plan.scope),
            "standards": .array(plan.standards.map { .string($0.rawValue) }),
            "team": ["lead": .string(plan.lead), "auditors": .array(plan.auditors.map(JSONValue.string))],
            "certificate": .optional(plan.certificate),
            "planned": plan.plannedFrom == nil && plan.plannedTo == nil ? .null
                : ["from": .optional(plan.plannedFrom), "to": .optional(plan.plannedTo)],
            "earlier": .array(plan.earlier.map(JSONValue.string)),
            "frozen": .optional(plan.frozen),
            "checklist": .array(checklist.map(\.json)),
            "findings": .array(findings.map { $0.json(fields: findingFields) }),
            "evidence": .array(evidence.map { $0.json(fields: evidenceFields) }),
            "notes": .array(notes.map { $0.json(fields: noteFields) }),
            "removed": .array(removed.sorted { $0.encoded() < $1.encoded() }),
            "recommendation": recommendation,
            "conflicts": .array(try conflicts(audit: audit).map(\.json)),
            "summary": summary(checklist: checklist, findings: findings),
        ]
    }

    private var findingFields: [String] {
        typealias F = AuditSchema.FindingField
        return [F.item, F.grade, F.statement, F.status, F.response, F.acceptanceNote, F.verificationNote, F.note, F.raisedBy,
                F.carriedFrom]
    }

    private var evidenceFields: [String] {
        typealias F = AuditSchema.EvidenceField
        return [F.sha256, F.name, F.size, F.finding, F.addedBy]
    }

    private var noteFields: [String] {
        typealias F = AuditSchema.NoteField
        return [F.item, F.text, F.by]
    }

    /// Present members of a collection, by id.
    private func members(_ entity: String, in scope: KeyScope) throws -> [EntitySnapshot] {
        try snapshot(entity: entity, in: scope).values.filter(\.isPresent).sorted { $0.key < $1.key }
    }

    private func summary(checklist: [ChecklistLine], findings: [EntitySnapshot]) -> JSONValue {
        var results: [String: JSONValue] = [:]
        for result in ChecklistResult.allCases {
            results[result.rawValue] = .int(checklist.filter { $0.result == result }.count)
        }
        var byStatus: [String: JSONValue] = [:]
        for status in FindingStatus.allCases {
            byStatus[status.rawValue] = .int(findings.filter { $0.text(AuditSchema.FindingField.status) == status.rawValue }.count)
        }
        return ["items": .int(checklist.count), "results": .object(results), "findings": .object(byStatus)]
    }
}

extension ChecklistLine {
    /// The line as the audit document's `checklist` holds it (commands print the same shape).
    public var json: JSONValue {
        [
            "item": .string(item.description),
            "title": .string(title),
            "result": .string(result.rawValue),
            "note": .optional(note),
            "by": .optional(recordedBy),
            "at": recorded.map { .string(ISO8601.string(milliseconds: $0.milliseconds)) } ?? .null,
        ]
    }
}

extension EntitySnapshot {
    /// `id`, the listed fields (null when never written), and when the member was last changed.
    func json(fields names: [String]) -> JSONValue {
        var object: [String: JSONValue] = ["id": .string(AuditSchema.member(ofKey: key))]
        for name in names { object[name] = fields[name].map { $0.value.json } ?? .null }
        if let latest = fields.values.map(\.timestamp).max() {
            object["updated"] = .string(ISO8601.string(milliseconds: latest.milliseconds))
        }
        return .object(object)
    }
}

extension AuditConflict {
    /// The entry of the audit document's `conflicts` (commands print the same shape).
    public var json: JSONValue {
        [
            "entity": .string(entity),
            "id": .string(member),
            "field": .string(field),
            "winner": winner.conflictJSON,
            "concurrent": .array(losers.map(\.conflictJSON)),
        ]
    }
}

extension MergeRecord {
    var conflictJSON: JSONValue {
        ["value": value.json, "at": .string(ISO8601.string(milliseconds: timestamp.milliseconds)), "node": .string(origin.hex),
         "stamp": .string(timestamp.description)]
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
