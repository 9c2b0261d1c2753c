import AuditDomain
import CanonicalJSON

/// What a report says, read once from the canonical audit document; the renderers only lay it
/// out. A member that is missing or of the wrong type reads as absent, so any document renders.
/// Nothing here depends on when or where the report is made: the same document gives the same
/// content.
struct ReportContent {
    struct StandardLine {
        let id: String
        /// `ISO/IEC 42001:2023`, from the catalog; the id itself when the catalog does not know it.
        let designation: String
        let title: String?
        /// nil when the catalog does not know the standard.
        let certifiable: Bool?
    }

    struct Item {
        let id: String
        let standard: String
        let title: String
        let result: String
        let note: String?
        let by: String?
        let at: String?
        /// The fields of this item with unresolved concurrent writes.
        let conflicted: Set<String>
    }

    struct Evidence {
        let id: String
        let name: String
        let sha256: String?
        let size: Int?
        let finding: String?
        let addedBy: String?
    }

    struct Finding {
        let id: String
        let item: String?
        let itemTitle: String?
        let grade: String?
        let status: String?
        let statement: String?
        let response: String?
        let acceptanceNote: String?
        let verificationNote: String?
        let note: String?
        let raisedBy: String?
        let updated: String?
        let evidence: [Evidence]
        let conflicted: Set<String>
    }

    struct Note {
        let id: String
        let text: String
        let item: String?
        let by: String?
        let updated: String?
        let conflicted: Set<String>
    }

    /// One write of a conflicted field: its value as text, the node and the time it was written.
    struct Write {
        let value: String
        let node: String?
        let at: String?
    }

    struct Conflict {
        let entity: String
        let member: String
        let field: String
        let kept: Write
        let concurrent: [Write]
    }

    struct Recommendation {
        let decision: String
        let note: String?
        let by: String?
        let at: String?
        let conflicted: Set<String>
    }

    /// One row of a count table: a word of the domain and how many carry it.
    struct Tally {
        let label: String
        let count: Int
    }

    let audit: String
    let clientID: String?
    let clientName: String?
    let sites: [String]
    let kind: String?
    let scope: String?
    let standards: [StandardLine]
    let lead: String?
    let auditors: [String]
    let items: [Item]
    /// Most serious grade first, then by id.
    let findings: [Finding]
    /// Evidence not attached to any finding of this report (the audit's own, or a removed finding's).
    let otherEvidence: [Evidence]
    let notes: [Note]
    let conflicts: [Conflict]
    let recommendation: Recommendation?
    /// `finding F-…`: members removed during the audit, kept in its trail.
    let removed: [String]
    /// The latest time the document records for any write; nil when nothing was recorded yet.
    let latestChange: String?

    init(_ document: JSONValue) {
        audit = Self.text(document["audit"]) ?? "(unknown audit)"
        clientID = Self.text(document["client"]?["id"])
        clientName = Self.text(document["client"]?["name"])
        sites = Self.texts(document["client"]?["sites"])
        kind = Self.text(document["kind"])
        scope = Self.text(document["scope"])
        standards = Self.texts(document["standards"]).map { id in
            let entry = Catalog.standard(StandardID(id))
            return StandardLine(id: id, designation: entry?.designation ?? id, title: entry?.title, certifiable: entry?.certifiable)
        }
        let lead = Self.text(document["team"]?["lead"])
        self.lead = lead
        auditors = Self.texts(document["team"]?["auditors"]).filter { $0 != lead }

        let conflicts = (document["conflicts"]?.elements ?? []).map(Self.conflict)
        self.conflicts = conflicts
        var conflictedFields: [String: Set<String>] = [:]
        for conflict in conflicts { conflictedFields["\(conflict.entity)\u{0}\(conflict.member)", default: []].insert(conflict.field) }
        func conflicted(_ entity: String, _ member: String) -> Set<String> { conflictedFields["\(entity)\u{0}\(member)"] ?? [] }

        items = (document["checklist"]?.elements ?? []).map { line in
            let id = Self.text(line["item"]) ?? ""
            return Item(id: id, standard: id.split(separator: "/", maxSplits: 1).first.map(String.init) ?? "",
                        title: Self.text(line["title"]) ?? "", result: Self.text(line["result"]) ?? ChecklistResult.notAudited.rawValue,
                        note: Self.text(line["note"]), by: Self.text(line["by"]), at: Self.text(line["at"]),
                        conflicted: conflicted("item", id))
        }
        let titles = Dictionary(items.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })

        let evidence = (document["evidence"]?.elements ?? []).map { file in
            Evidence(id: Self.text(file["id"]) ?? "", name: Self.text(file["name"]) ?? "(unnamed file)",
                     sha256: Self.text(file["sha256"]), size: file["size"].flatMap(Self.int), finding: Self.text(file["finding"]),
                     addedBy: Self.text(file["added_by"]))
        }
        let gradeOrder = FindingGrade.allCases.map(\.rawValue)
        findings = (document["findings"]?.elements ?? []).map { finding in
            let id = Self.text(finding["id"]) ?? ""
            let item = Self.text(finding["item"])
            return Finding(
                id: id, item: item, itemTitle: item.flatMap { titles[$0] }, grade: Self.text(finding["grade"]),
                status: Self.text(finding["status"]), statement: Self.text(finding["statement"]),
                response: Self.text(finding["response"]), acceptanceNote: Self.text(finding["acceptance_note"]),
                verificationNote: Self.text(finding["verification_note"]), note: Self.text(finding["note"]),
                raisedBy: Self.text(finding["raised_by"]), updated: Self.text(finding["updated"]),
                evidence: evidence.filter { $0.finding == id }, conflicted: conflicted("finding", id))
        }.sorted { lhs, rhs in
            let left = lhs.grade.flatMap { gradeOrder.firstIndex(of: $0) } ?? gradeOrder.count
            let right = rhs.grade.flatMap { gradeOrder.firstIndex(of: $0) } ?? gradeOrder.count
            return left != right ? left < right : lhs.id < rhs.id
        }
        let shown = Set(findings.map(\.id))
        otherEvidence = evidence.filter { file in file.finding.map { !shown.contains($0) } ?? true }

        notes = (document["notes"]?.elements ?? []).map { note in
            let id = Self.text(note["id"]) ?? ""
            return Note(id: id, text: Self.text(note["text"]) ?? "", item: Self.text(note["item"]), by: Self.text(note["by"]),
                        updated: Self.text(note["updated"]), conflicted: conflicted("note", id))
        }
        recommendation = document["recommendation"].flatMap { value in
            guard let decision = Self.text(value["decision"]) else { return nil }
            return Recommendation(decision: decision, note: Self.text(value["note"]), by: Self.text(value["by"]),
                                  at: Self.text(value["at"]), conflicted: conflicted("audit", Self.text(document["audit"]) ?? ""))
        }
        removed = (document["removed"]?.elements ?? []).compactMap { member in
            guard let entity = Self.text(member["entity"]), let id = Self.text(member["id"]) else { return nil }
            return "\(entity) \(id)"
        }

        let times = items.compactMap(\.at) + findings.compactMap(\.updated) + notes.compactMap(\.updated)
            + (document["evidence"]?.elements ?? []).compactMap { Self.text($0["updated"]) }
            + [recommendation?.at].compactMap { $0 }
            + conflicts.flatMap { [$0.kept.at] + $0.concurrent.map(\.at) }.compactMap { $0 }
        latestChange = times.max()
    }

    // MARK: Summary

    var auditedCount: Int { items.filter { $0.result != ChecklistResult.notAudited.rawValue }.count }

    /// Checklist items by result, in the domain's order; a result the domain does not know is
    /// counted after them rather than lost.
    var resultTallies: [Tally] {
        Self.tally(items.map(\.result), order: ChecklistResult.allCases.map(\.rawValue))
    }

    var gradeOrder: [String] { Self.order(findings.compactMap(\.grade), known: FindingGrade.allCases.map(\.rawValue)) }
    var statusOrder: [String] { Self.order(findings.compactMap(\.status), known: FindingStatus.allCases.map(\.rawValue)) }

    func findingCount(grade: String?, status: String?) -> Int {
        findings.filter { finding in
            (grade.map { finding.grade == $0 } ?? true) && (status.map { finding.status == $0 } ?? true)
        }.count
    }

    /// Findings whose grade blocks a grant at their present status (a major until closed, a
    /// minor until accepted).
    var blockingFindings: [Finding] {
        findings.filter { finding in
            guard let grade = finding.grade.flatMap(FindingGrade.init(rawValue:)),
                  let until = grade.blocksCertificationUntil else { return false }
            let status = finding.status.flatMap(FindingStatus.init(rawValue:)) ?? .open
            return status < until
        }
    }

    /// The checklist in its order, one group per standard.
    var checklistGroups: [(standard: StandardLine, items: [Item])] {
        var groups: [(standard: StandardLine, items: [Item])] = []
        for item in items {
            if let last = groups.indices.last, groups[last].standard.id == item.standard {
                groups[last].items.append(item)
            } else {
                let standard = standards.first { $0.id == item.standard }
                    ?? StandardLine(id: item.standard, designation: item.standard, title: nil, certifiable: nil)
                groups.append((standard, [item]))
            }
        }
        return groups
    }

    // MARK: Reading the document

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

    private static func int(_ value: JSONValue) -> Int? {
        if case .int(let number) = value { return number }
        return nil
    }

    private static func conflict(_ value: JSONValue) -> Conflict {
        Conflict(entity: text(value["entity"]) ?? "", member: text(value["id"]) ?? "", field: text(value["field"]) ?? "",
                 kept: write(value["winner"]), concurrent: (value["concurrent"]?.elements ?? []).map { write($0) })
    }

    private static func write(_ value: JSONValue?) -> Write {
        let shown: String = switch value?["value"] {
        case .string(let text): "\"\(text)\""
        case .null, nil: "(no value)"
        case let other?: other.encoded(pretty: false)
        }
        return Write(value: shown, node: text(value?["node"]), at: text(value?["at"]))
    }

    private static func order(_ values: [String], known: [String]) -> [String] {
        known + Set(values).subtracting(known).sorted()
    }

    private static func tally(_ values: [String], order known: [String]) -> [Tally] {
        order(values, known: known).map { label in Tally(label: label, count: values.filter { $0 == label }.count) }
    }
}
