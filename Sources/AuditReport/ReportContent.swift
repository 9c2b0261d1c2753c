import AuditDocumentFormat
import AuditDomain
import CanonicalJSON

/// What a report says, read once from the audit document and the report's context; the
/// renderers only lay it out. `AuditDocument(json:)` reads any document leniently, so any
/// document renders. Nothing here depends on when the report is made: the same document and
/// context give the same content.
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
        /// On a carried finding: the earlier audit's finding it follows up.
        let carriedFrom: String?
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

    /// Someone on the audit, with the role they hold on it.
    struct Member {
        let id: String
        /// nil when the node making the report does not know it.
        let name: String?
        let lead: Bool
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
    /// The team, lead first, with names where known.
    let team: [Member]
    /// The certification body's name, when known.
    let body: String?
    /// `2027-03-01 to 2027-03-03`; nil when nothing was planned.
    let planned: String?
    let certificate: String?
    let earlier: [String]
    /// Why the audit takes no more writes; nil while open.
    let frozen: String?
    let knowsDecisions: Bool
    let decision: ReportContext.Decision?
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
    private let names: [String: String]

    init(_ document: AuditDocument, context: ReportContext = ReportContext()) {
        audit = document.audit.nonEmpty ?? "(unknown audit)"
        clientID = document.client.id.nonEmpty
        clientName = document.client.name.nonEmpty
        sites = document.client.sites
        kind = document.kind.nonEmpty
        scope = document.scope.nonEmpty
        standards = document.standards.map { id in
            let entry = Catalog.standard(StandardID(id))
            return StandardLine(id: id, designation: entry?.designation ?? id, title: entry?.title, certifiable: entry?.certifiable)
        }
        let lead = document.team.lead.nonEmpty
        self.lead = lead
        auditors = document.team.auditors.filter { $0 != lead }
        names = context.names
        team = (lead.map { [Member(id: $0, name: context.names[$0], lead: true)] } ?? [])
            + auditors.map { Member(id: $0, name: context.names[$0], lead: false) }
        body = context.body?.nonEmpty
        planned = document.planned.flatMap { planned in
            switch (planned.from, planned.to) {
            case let (from?, to?): from == to ? from : "\(from) to \(to)"
            case let (from?, nil): "from \(from)"
            case let (nil, to?): "until \(to)"
            case (nil, nil): nil
            }
        }
        earlier = document.earlier
        frozen = document.frozen
        knowsDecisions = context.knowsDecisions
        decision = context.decision
        certificate = context.decision?.certificate ?? context.certificate ?? document.certificate

        let conflicts = document.conflicts.map(Self.conflict)
        self.conflicts = conflicts
        var conflictedFields: [String: Set<String>] = [:]
        for conflict in conflicts { conflictedFields["\(conflict.entity)\u{0}\(conflict.member)", default: []].insert(conflict.field) }
        func conflicted(_ entity: String, _ member: String) -> Set<String> { conflictedFields["\(entity)\u{0}\(member)"] ?? [] }

        items = document.checklist.map { line in
            Item(id: line.item, standard: line.item.split(separator: "/", maxSplits: 1).first.map(String.init) ?? "",
                 title: line.title, result: line.result, note: line.note, by: line.by, at: line.at,
                 conflicted: conflicted("item", line.item))
        }
        let titles = Dictionary(items.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })

        let evidence = document.evidence.map { file in
            Evidence(id: file.id, name: file.name ?? "(unnamed file)", sha256: file.sha256, size: file.size, finding: file.finding,
                     addedBy: file.addedBy)
        }
        let gradeOrder = FindingGrade.allCases.map(\.rawValue)
        findings = document.findings.map { finding in
            Finding(
                id: finding.id, item: finding.item, itemTitle: finding.item.flatMap { titles[$0] }, grade: finding.grade,
                status: finding.status, statement: finding.statement, response: finding.response,
                acceptanceNote: finding.acceptanceNote, verificationNote: finding.verificationNote, note: finding.note,
                raisedBy: finding.raisedBy, carriedFrom: finding.carriedFrom, updated: finding.updated,
                evidence: evidence.filter { $0.finding == finding.id }, conflicted: conflicted("finding", finding.id))
        }.sorted { lhs, rhs in
            let left = lhs.grade.flatMap { gradeOrder.firstIndex(of: $0) } ?? gradeOrder.count
            let right = rhs.grade.flatMap { gradeOrder.firstIndex(of: $0) } ?? gradeOrder.count
            return left != right ? left < right : lhs.id < rhs.id
        }
        let shown = Set(findings.map(\.id))
        otherEvidence = evidence.filter { file in file.finding.map { !shown.contains($0) } ?? true }

        notes = document.notes.map { note in
            Note(id: note.id, text: note.text ?? "", item: note.item, by: note.by, updated: note.updated,
                 conflicted: conflicted("note", note.id))
        }
        recommendation = document.recommendation.map { value in
            Recommendation(decision: value.decision, note: value.note, by: value.by, at: value.at.nonEmpty,
                           conflicted: conflicted("audit", document.audit))
        }
        removed = document.removed.map { "\($0.entity) \($0.id)" }

        let times = items.compactMap(\.at) + findings.compactMap(\.updated) + notes.compactMap(\.updated)
            + document.evidence.compactMap(\.updated)
            + [recommendation?.at].compactMap { $0 }
            + conflicts.flatMap { [$0.kept.at] + $0.concurrent.map(\.at) }.compactMap { $0 }
        latestChange = times.max()
    }

    /// `Alice Martin (alice)`, or the id alone where the name is not known here.
    func person(_ id: String) -> String {
        names[id].map { "\($0) (\(id))" } ?? id
    }

    /// Findings that follow up a finding of an earlier audit, in the order of `findings`.
    var carried: [Finding] { findings.filter { $0.carriedFrom != nil } }

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

    private static func conflict(_ value: AuditDocument.Conflict) -> Conflict {
        Conflict(entity: value.entity, member: value.id, field: value.field, kept: write(value.winner),
                 concurrent: value.concurrent.map(write))
    }

    private static func write(_ value: AuditDocument.Write) -> Write {
        let shown: String = switch value.value {
        case .string(let text): "\"\(text)\""
        case .null: "(no value)"
        case let other: other.encoded(pretty: false)
        }
        return Write(value: shown, node: value.node.nonEmpty, at: value.at.nonEmpty)
    }

    private static func order(_ values: [String], known: [String]) -> [String] {
        known + Set(values).subtracting(known).sorted()
    }

    private static func tally(_ values: [String], order known: [String]) -> [Tally] {
        order(values, known: known).map { label in Tally(label: label, count: values.filter { $0 == label }.count) }
    }
}

extension String {
    /// nil for empty text: a document member read leniently as "" was absent.
    var nonEmpty: String? { isEmpty ? nil : self }
}
