import AuditDocumentFormat
import CanonicalJSON

/// The audit report as GitHub-flavoured Markdown: headings, lists, and tables for the checklist.
///
/// Every text from the audit is escaped, so a note can neither break a table (`|`, line breaks
/// become `\|` and `<br>`) nor turn into markup, a link or raw HTML. User text never starts a
/// line — it follows a list marker, a label or a cell separator — so it cannot open a block.
public enum MarkdownReport {
    public static func render(_ document: JSONValue, context: ReportContext = ReportContext()) -> String {
        render(AuditDocument(json: document), context: context)
    }

    public static func render(_ document: AuditDocument, context: ReportContext = ReportContext()) -> String {
        let content = ReportContent(document, context: context)
        var out = MarkdownWriter()
        out.line("# Audit report \(escape(content.audit))")
        if !content.conflicts.isEmpty {
            out.blank()
            out.line("> **⚠ \(ReportWording.unresolvedTitle).** \(escape(ReportWording.conflictWarning(content.conflicts.count)))")
        }
        overview(content, &out)
        summary(content, &out)
        decision(content, &out)
        recommendation(content, &out)
        followUp(content, &out)
        findings(content, &out)
        checklist(content, &out)
        notes(content, &out)
        evidence(content, &out)
        conflicts(content, &out)
        out.blank()
        out.line("---")
        out.blank()
        out.line(ReportWording.footer)
        return out.text
    }

    // MARK: Sections

    private static func overview(_ content: ReportContent, _ out: inout MarkdownWriter) {
        out.heading(2, "Audit")
        out.item("Certification body", content.body)
        out.item("Client", ReportWording.client(content))
        out.item("Sites", nil, list: content.sites)
        out.item("Scope", content.scope)
        out.item("Audit kind", ReportWording.kind(content.kind))
        out.item("Planned", content.planned ?? ReportWording.notPlanned)
        out.item("Standards", nil, list: content.standards.map(ReportWording.standard))
        out.item("Team", nil, list: ReportWording.team(content))
        out.item("Certificate", content.certificate ?? ReportWording.noCertificate)
        out.item("Earlier audits", content.earlier.isEmpty ? ReportWording.noEarlierAudits : nil, list: content.earlier)
        out.item("Record", ReportWording.record(content))
        out.item("Latest recorded change", content.latestChange.map(ReportWording.time) ?? "nothing recorded yet")
    }

    private static func summary(_ content: ReportContent, _ out: inout MarkdownWriter) {
        out.heading(2, "Summary")
        out.item("Checklist", ReportWording.checklistSummary(content))
        out.item("Findings", ReportWording.findingsSummary(content))
        out.item("Open conflicts", ReportWording.conflictsSummary(content))
        out.item("Recommendation", ReportWording.recommendationSummary(content))
        if !content.removed.isEmpty { out.item("Removed during the audit", content.removed.joined(separator: ", ")) }

        out.blank()
        out.table(["Result", "Items"], alignRight: [1],
                  content.resultTallies.map { [escape($0.label), String($0.count)] } + [["**Total**", "**\(content.items.count)**"]])

        let statuses = content.statusOrder
        out.blank()
        out.table(["Finding grade"] + statuses.map(escape) + ["Total"], alignRight: Set(1...(statuses.count + 1)),
                  (content.gradeOrder.map(Optional.some) + [nil]).map { grade in
                      let counts = (statuses.map(Optional.some) + [nil]).map { content.findingCount(grade: grade, status: $0) }
                      return [grade.map(escape) ?? "**Total**"] + counts.map { grade == nil ? "**\($0)**" : String($0) }
                  })
    }

    private static func recommendation(_ content: ReportContent, _ out: inout MarkdownWriter) {
        out.heading(2, "Lead auditor's recommendation")
        guard let recommendation = content.recommendation else {
            out.line("Not recorded yet.")
            return
        }
        let conflicted = recommendation.conflicted
        out.item("Decision", ReportWording.recommendation(recommendation.decision), conflicted: conflicted.contains("recommendation"))
        out.item("Note", recommendation.note, conflicted: conflicted.contains("recommendation_note"))
        out.item("Recorded by", recommendation.by, conflicted: conflicted.contains("recommended_by"))
        out.item("Recorded at", ReportWording.time(recommendation.at))
    }

    private static func decision(_ content: ReportContent, _ out: inout MarkdownWriter) {
        out.heading(2, ReportWording.decisionTitle)
        guard let decision = content.decision else {
            out.line(escape(ReportWording.noDecision(content)))
            return
        }
        out.item("Decision", ReportWording.outcome(decision))
        out.item("Decided by", "\(content.person(decision.reviewer)), reviewer")
        out.item("Decided at", ReportWording.time(decision.decidedAt))
        if let reason = decision.reason { out.item("Reason", reason) }
        if let certificate = decision.certificate { out.item("Certificate", certificate) }
        out.item("Audit document SHA-256", nil, raw: [code(decision.documentSHA256 ?? "—")])
    }

    private static func followUp(_ content: ReportContent, _ out: inout MarkdownWriter) {
        out.heading(2, ReportWording.followUpTitle)
        guard !content.carried.isEmpty else {
            out.line(escape(ReportWording.noCarriedFindings))
            return
        }
        out.table(["Finding", "Follows up", "Grade", "Status", "Item"], alignRight: [], content.carried.map { finding in
            [escape(finding.id), escape(finding.carriedFrom ?? ""), escape(ReportWording.grade(finding.grade)),
             cell(finding.status, conflicted: finding.conflicted.contains("status")), escape(finding.item ?? "—")]
        })
    }

    private static func findings(_ content: ReportContent, _ out: inout MarkdownWriter) {
        out.heading(2, "Findings")
        if content.findings.isEmpty { out.line("No findings raised.") }
        for finding in content.findings {
            out.heading(3, ReportWording.heading(finding))
            let conflicted = finding.conflicted
            out.item("Item", ReportWording.item(finding), conflicted: conflicted.contains("item"))
            if let origin = finding.carriedFrom { out.item("Follows up", origin) }
            out.item("Grade", finding.grade, conflicted: conflicted.contains("grade"))
            out.item("Status", finding.status, conflicted: conflicted.contains("status"))
            out.item("Statement", finding.statement, conflicted: conflicted.contains("statement"))
            out.item("Raised by", finding.raisedBy, conflicted: conflicted.contains("raised_by"))
            out.item("Client's response", finding.response, conflicted: conflicted.contains("response"))
            out.item("Acceptance note", finding.acceptanceNote, conflicted: conflicted.contains("acceptance_note"))
            out.item("Verification note", finding.verificationNote, conflicted: conflicted.contains("verification_note"))
            if finding.note != nil || conflicted.contains("note") { out.item("Note", finding.note, conflicted: conflicted.contains("note")) }
            out.item("Last changed", ReportWording.time(finding.updated))
            out.item("Evidence", finding.evidence.isEmpty ? "none" : nil, raw: finding.evidence.map(evidenceLine))
        }
    }

    private static func checklist(_ content: ReportContent, _ out: inout MarkdownWriter) {
        out.heading(2, "Checklist")
        if content.items.isEmpty { out.line("The checklist is empty.") }
        for group in content.checklistGroups {
            out.heading(3, ReportWording.standard(group.standard))
            out.table(["Item", "Title", "Result", "Note", "Recorded by", "Recorded at"], alignRight: [], group.items.map { item in
                [escape(item.id), escape(item.title),
                 cell(item.result, conflicted: item.conflicted.contains("result")),
                 cell(item.note, conflicted: item.conflicted.contains("note")),
                 cell(item.by, conflicted: item.conflicted.contains("by")),
                 item.at.map { escape(ReportWording.time($0)) } ?? ""]
            })
        }
    }

    private static func notes(_ content: ReportContent, _ out: inout MarkdownWriter) {
        out.heading(2, "Notes")
        guard !content.notes.isEmpty else {
            out.line("No notes.")
            return
        }
        out.table(["Note", "About", "By", "Last changed"], alignRight: [], content.notes.map { note in
            [cell(note.text, conflicted: note.conflicted.contains("text")), escape(note.item ?? "the audit"),
             escape(note.by ?? "—"), escape(ReportWording.time(note.updated))]
        })
    }

    private static func evidence(_ content: ReportContent, _ out: inout MarkdownWriter) {
        out.heading(2, "Audit evidence")
        guard !content.otherEvidence.isEmpty else {
            out.line("No evidence beyond what the findings list.")
            return
        }
        out.table(["File", "Size", "SHA-256", "Added by", "Finding"], alignRight: [1], content.otherEvidence.map { file in
            [escape(file.name), escape(ReportWording.bytes(file.size)), code(file.sha256 ?? "—"), escape(file.addedBy ?? "—"),
             escape(file.finding.map { "\($0) (removed)" } ?? "—")]
        })
    }

    private static func conflicts(_ content: ReportContent, _ out: inout MarkdownWriter) {
        out.heading(2, "Open conflicts")
        guard !content.conflicts.isEmpty else {
            out.line("None: every field has one value.")
            return
        }
        out.table(["What", "Field", "Kept", "Also written"], alignRight: [], content.conflicts.map { conflict in
            [escape(ReportWording.subject(conflict)), escape(ReportWording.field(conflict.field)),
             escape(ReportWording.write(conflict.kept)),
             conflict.concurrent.map { escape(ReportWording.write($0)) }.joined(separator: "<br>")]
        })
    }

    // MARK: Text

    private static func evidenceLine(_ file: ReportContent.Evidence) -> String {
        "\(escape(file.name)) — \(escape(ReportWording.bytes(file.size))) — SHA-256 \(code(file.sha256 ?? "—"))"
            + (file.addedBy.map { " — added by \(escape($0))" } ?? "")
    }

    /// A table cell: escaped text (empty when nil), flagged when its field is in conflict.
    private static func cell(_ text: String?, conflicted: Bool) -> String {
        let shown = text.map(escape) ?? ""
        return conflicted ? (shown.isEmpty ? "⚠ conflict" : shown + " ⚠ conflict") : shown
    }

    /// A code span for text that needs no escaping (a digest); anything else as escaped text.
    static func code(_ text: String) -> String {
        text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } ? "`\(text)`" : escape(text)
    }

    /// Text as Markdown that shows exactly it: punctuation that could start markup, a link, an
    /// entity, math or raw HTML is backslash-escaped; line breaks become `<br>`, so the text stays
    /// on its line (and in its table cell).
    public static func escape(_ text: String) -> String {
        var output = ""
        var characters = text.makeIterator()
        var next = characters.next()
        while let character = next {
            next = characters.next()
            if character.isNewline {
                output += "<br>"
            } else if "\\`*_[]<>|~$".contains(character) {
                output += "\\" + String(character)
            } else if character == "&", let following = next, following.isLetter || following.isNumber || following == "#" {
                output += "\\&"
            } else {
                output.append(character)
            }
        }
        return output
    }
}

/// Lines of Markdown with the spacing GFM wants: a blank line before headings, lists and tables.
struct MarkdownWriter {
    private(set) var text = ""
    private var inList = false

    mutating func line(_ line: String) {
        if inList { blank() }
        text += line + "\n"
    }

    mutating func blank() {
        inList = false
        if !text.hasSuffix("\n\n") { text += "\n" }
    }

    mutating func heading(_ level: Int, _ title: String) {
        blank()
        text += String(repeating: "#", count: level) + " " + MarkdownReport.escape(title) + "\n"
        blank()
    }

    /// `- **Label:** value`: the value is plain text (escaped here, `—` when nil), flagged when
    /// its field is in conflict; `list` items (plain text) and `raw` items (Markdown) nest under it.
    mutating func item(_ label: String, _ value: String?, conflicted: Bool = false, list: [String] = [], raw: [String] = []) {
        if !inList && !text.hasSuffix("\n\n") && !text.isEmpty { blank() }
        inList = true
        let nested = list.map(MarkdownReport.escape) + raw
        let shown = value.map(MarkdownReport.escape) ?? (nested.isEmpty ? "—" : nil)
        text += "- **\(label):**" + (shown.map { " " + $0 } ?? "") + (conflicted ? " ⚠ conflict" : "") + "\n"
        for entry in nested { text += "  - \(entry)\n" }
    }

    /// A table; cells are already Markdown (escaped).
    mutating func table(_ header: [String], alignRight: Set<Int>, _ rows: [[String]]) {
        if inList { blank() }
        text += "| " + header.joined(separator: " | ") + " |\n"
        text += "|" + header.indices.map { alignRight.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|\n"
        for row in rows { text += "| " + row.joined(separator: " | ") + " |\n" }
    }
}
