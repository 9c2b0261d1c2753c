import CanonicalJSON

extension AuditDocument {
    /// The document as JSON: the keys and shapes `audit show --json` has always printed, so its
    /// canonical bytes — and the digests decisions were taken on — stay the same.
    public var json: JSONValue {
        [
            "audit": .string(audit),
            "client": ["id": .string(client.id), "name": .string(client.name), "sites": .array(client.sites.map(JSONValue.string))],
            "kind": .string(kind),
            "scope": .string(scope),
            "standards": .array(standards.map(JSONValue.string)),
            "team": ["lead": .string(team.lead), "auditors": .array(team.auditors.map(JSONValue.string))],
            "certificate": .optional(certificate),
            "planned": planned.map { ["from": .optional($0.from), "to": .optional($0.to)] } ?? .null,
            "earlier": .array(earlier.map(JSONValue.string)),
            "frozen": .optional(frozen),
            "checklist": .array(checklist.map(\.json)),
            "findings": .array(findings.map(\.json)),
            "evidence": .array(evidence.map(\.json)),
            "notes": .array(notes.map(\.json)),
            "removed": .array(removed.map { ["entity": .string($0.entity), "id": .string($0.id)] }),
            "recommendation": recommendation.map(\.json) ?? .null,
            "conflicts": .array(conflicts.map(\.json)),
            "summary": [
                "items": .int(summary.items),
                "results": .object(summary.results.mapValues(JSONValue.int)),
                "findings": .object(summary.findings.mapValues(JSONValue.int)),
            ],
        ]
    }
}

extension AuditDocument.ChecklistEntry {
    public var json: JSONValue {
        ["item": .string(item), "title": .string(title), "result": .string(result), "note": .optional(note), "by": .optional(by),
         "at": .optional(at)]
    }
}

extension AuditDocument.Finding {
    public var json: JSONValue {
        .object(Self.member(id: id, updated: updated, [
            "item": .optional(item), "grade": .optional(grade), "statement": .optional(statement), "status": .optional(status),
            "response": .optional(response), "acceptance_note": .optional(acceptanceNote),
            "verification_note": .optional(verificationNote), "note": .optional(note), "raised_by": .optional(raisedBy),
            "carried_from": .optional(carriedFrom),
        ]))
    }
}

extension AuditDocument.Evidence {
    public var json: JSONValue {
        .object(AuditDocument.Finding.member(id: id, updated: updated, [
            "sha256": .optional(sha256), "name": .optional(name), "size": size.map(JSONValue.int) ?? .null,
            "finding": .optional(finding), "added_by": .optional(addedBy),
        ]))
    }
}

extension AuditDocument.Note {
    public var json: JSONValue {
        .object(AuditDocument.Finding.member(id: id, updated: updated,
                                             ["item": .optional(item), "text": .optional(text), "by": .optional(by)]))
    }
}

extension AuditDocument.Finding {
    /// A collection member: its id, its fields, and `updated` only when known (a member always has
    /// a field, so the replica always knows it).
    static func member(id: String, updated: String?, _ fields: [String: JSONValue]) -> [String: JSONValue] {
        var object = fields
        object["id"] = .string(id)
        if let updated { object["updated"] = .string(updated) }
        return object
    }
}

extension AuditDocument.Recommendation {
    public var json: JSONValue {
        ["decision": .string(decision), "note": .optional(note), "by": .optional(by), "at": .string(at)]
    }
}

extension AuditDocument.Conflict {
    public var json: JSONValue {
        ["entity": .string(entity), "id": .string(id), "field": .string(field), "winner": winner.json,
         "concurrent": .array(concurrent.map(\.json))]
    }
}

extension AuditDocument.Write {
    public var json: JSONValue {
        ["value": value, "at": .string(at), "node": .string(node), "stamp": .string(stamp)]
    }
}
