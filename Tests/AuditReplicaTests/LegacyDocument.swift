import AuditDomain
import CanonicalJSON
import MergeCore
import ReplicaStore

@testable import AuditReplica

// The audit document as `AuditReplica.document(audit:)` built it before `AuditDocument`, string
// key by string key (commit a0d54da), kept unchanged as the reference the typed document must
// match byte for byte: decisions were taken on digests of these bytes.

extension AuditReplica {
    func legacyDocument(audit: String) throws -> JSONValue {
        let plan = try plan(of: audit)
        let scope = KeyScope(audit)
        let auditFields = try snapshot(entity: AuditSchema.Entity.audit, in: scope)[audit]
        let checklist = try checklist(audit: audit)
        let findings = try legacyMembers(AuditSchema.Entity.finding, in: scope)
        let evidence = try legacyMembers(AuditSchema.Entity.evidence, in: scope)
        let notes = try legacyMembers(AuditSchema.Entity.note, in: scope)
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
            "checklist": .array(checklist.map(\.legacyJSON)),
            "findings": .array(findings.map { $0.legacyJSON(fields: legacyFindingFields) }),
            "evidence": .array(evidence.map { $0.legacyJSON(fields: legacyEvidenceFields) }),
            "notes": .array(notes.map { $0.legacyJSON(fields: legacyNoteFields) }),
            "removed": .array(removed.sorted { $0.encoded() < $1.encoded() }),
            "recommendation": recommendation,
            "conflicts": .array(try conflicts(audit: audit).map(\.legacyJSON)),
            "summary": legacySummary(checklist: checklist, findings: findings),
        ]
    }

    private var legacyFindingFields: [String] {
        typealias F = AuditSchema.FindingField
        return [F.item, F.grade, F.statement, F.status, F.response, F.acceptanceNote, F.verificationNote, F.note, F.raisedBy,
                F.carriedFrom]
    }

    private var legacyEvidenceFields: [String] {
        typealias F = AuditSchema.EvidenceField
        return [F.sha256, F.name, F.size, F.finding, F.addedBy]
    }

    private var legacyNoteFields: [String] {
        typealias F = AuditSchema.NoteField
        return [F.item, F.text, F.by]
    }

    /// Present members of a collection, by id.
    private func legacyMembers(_ entity: String, in scope: KeyScope) throws -> [EntitySnapshot] {
        try snapshot(entity: entity, in: scope).values.filter(\.isPresent).sorted { $0.key < $1.key }
    }

    private func legacySummary(checklist: [ChecklistLine], findings: [EntitySnapshot]) -> JSONValue {
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
    var legacyJSON: JSONValue {
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
    func legacyJSON(fields names: [String]) -> JSONValue {
        var object: [String: JSONValue] = ["id": .string(AuditSchema.member(ofKey: key))]
        for name in names { object[name] = fields[name].map { $0.value.legacyJSON } ?? .null }
        if let latest = fields.values.map(\.timestamp).max() {
            object["updated"] = .string(ISO8601.string(milliseconds: latest.milliseconds))
        }
        return .object(object)
    }
}

extension AuditConflict {
    var legacyJSON: JSONValue {
        [
            "entity": .string(entity),
            "id": .string(member),
            "field": .string(field),
            "winner": winner.legacyConflictJSON,
            "concurrent": .array(losers.map(\.legacyConflictJSON)),
        ]
    }
}

extension MergeRecord {
    var legacyConflictJSON: JSONValue {
        ["value": value.legacyJSON, "at": .string(ISO8601.string(milliseconds: timestamp.milliseconds)), "node": .string(origin.hex),
         "stamp": .string(timestamp.description)]
    }
}

extension MergeValue {
    var legacyJSON: JSONValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .int(let value): .int(Int(value))
        case .text(let value): .string(value)
        }
    }
}
