import CanonicalJSON

extension AuditDocument {
    /// Reads a document back from its JSON, leniently: a member that is missing or of the wrong
    /// type reads as absent (empty text, an empty list, nil), so any document can be shown —
    /// one from a newer replica with more members, or a damaged file — rather than refused.
    public init(json: JSONValue) {
        let text = Self.text, texts = Self.texts
        self.init(
            audit: text(json["audit"]) ?? "",
            client: Client(id: text(json["client"]?["id"]) ?? "", name: text(json["client"]?["name"]) ?? "",
                           sites: texts(json["client"]?["sites"])),
            kind: text(json["kind"]) ?? "",
            scope: text(json["scope"]) ?? "",
            standards: texts(json["standards"]),
            team: Team(lead: text(json["team"]?["lead"]) ?? "", auditors: texts(json["team"]?["auditors"])),
            certificate: text(json["certificate"]),
            planned: Self.object(json["planned"]).map { Planned(from: text($0["from"]), to: text($0["to"])) },
            earlier: texts(json["earlier"]),
            frozen: text(json["frozen"]),
            checklist: Self.objects(json["checklist"]).map { line in
                ChecklistEntry(item: text(line["item"]) ?? "", title: text(line["title"]) ?? "",
                               result: text(line["result"]) ?? "not-audited", note: text(line["note"]), by: text(line["by"]),
                               at: text(line["at"]))
            },
            findings: Self.objects(json["findings"]).map { finding in
                Finding(id: text(finding["id"]) ?? "", item: text(finding["item"]), grade: text(finding["grade"]),
                        statement: text(finding["statement"]), status: text(finding["status"]), response: text(finding["response"]),
                        acceptanceNote: text(finding["acceptance_note"]), verificationNote: text(finding["verification_note"]),
                        note: text(finding["note"]), raisedBy: text(finding["raised_by"]), carriedFrom: text(finding["carried_from"]),
                        updated: text(finding["updated"]))
            },
            evidence: Self.objects(json["evidence"]).map { file in
                Evidence(id: text(file["id"]) ?? "", sha256: text(file["sha256"]), name: text(file["name"]),
                         size: Self.int(file["size"]), finding: text(file["finding"]), addedBy: text(file["added_by"]),
                         updated: text(file["updated"]))
            },
            notes: Self.objects(json["notes"]).map { note in
                Note(id: text(note["id"]) ?? "", item: text(note["item"]), text: text(note["text"]), by: text(note["by"]),
                     updated: text(note["updated"]))
            },
            removed: Self.objects(json["removed"]).compactMap { member in
                guard let entity = text(member["entity"]), let id = text(member["id"]) else { return nil }
                return Removed(entity: entity, id: id)
            },
            recommendation: Self.object(json["recommendation"]).flatMap { value in
                guard let decision = text(value["decision"]) else { return nil }
                return Recommendation(decision: decision, note: text(value["note"]), by: text(value["by"]), at: text(value["at"]) ?? "")
            },
            conflicts: Self.objects(json["conflicts"]).map { conflict in
                Conflict(entity: text(conflict["entity"]) ?? "", id: text(conflict["id"]) ?? "", field: text(conflict["field"]) ?? "",
                         winner: Self.write(conflict["winner"]), concurrent: Self.objects(conflict["concurrent"]).map(Self.write))
            },
            summary: Summary(items: Self.int(json["summary"]?["items"]) ?? 0, results: Self.counts(json["summary"]?["results"]),
                             findings: Self.counts(json["summary"]?["findings"]))
        )
    }

    private static func write(_ value: JSONValue?) -> Write {
        Write(value: value?["value"] ?? .null, at: text(value?["at"]) ?? "", node: text(value?["node"]) ?? "",
              stamp: text(value?["stamp"]) ?? "")
    }

    /// Text, or a number or flag written as text; nil for anything else.
    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        case .null, .array, .object, nil: nil
        }
    }

    private static func texts(_ value: JSONValue?) -> [String] {
        (value?.elements ?? []).compactMap { text($0) }
    }

    private static func int(_ value: JSONValue?) -> Int? {
        if case .int(let number)? = value { return number }
        return nil
    }

    private static func object(_ value: JSONValue?) -> JSONValue? {
        if case .object? = value { return value }
        return nil
    }

    private static func objects(_ value: JSONValue?) -> [JSONValue] {
        (value?.elements ?? []).filter { if case .object = $0 { true } else { false } }
    }

    private static func counts(_ value: JSONValue?) -> [String: Int] {
        guard case .object(let members)? = value else { return [:] }
        return members.compactMapValues { int($0) }
    }
}
