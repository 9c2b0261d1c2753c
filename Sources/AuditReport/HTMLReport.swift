import AuditDocumentFormat
import CanonicalJSON
import HexEncoding

/// The audit report as one self-contained, printable HTML5 page: inline CSS, no scripts, nothing
/// fetched (its Content-Security-Policy forbids both). Every text from the audit is escaped, and
/// the classes that colour results and grades come from fixed tables, never from the audit's text.
public enum HTMLReport {
    public static func render(_ document: JSONValue, context: ReportContext = ReportContext()) -> String {
        render(AuditDocument(json: document), context: context)
    }

    public static func render(_ document: AuditDocument, context: ReportContext = ReportContext()) -> String {
        let content = ReportContent(document, context: context)
        var body = ""
        body += "<h1>Audit report \(escape(content.audit))</h1>\n"
        let subtitle = [content.clientName, content.kind.map { "\(ReportWording.kind($0)) audit" }].compactMap { $0 }
        if !subtitle.isEmpty { body += "<p class=\"subtitle\">\(escape(subtitle.joined(separator: " — ")))</p>\n" }
        if !content.conflicts.isEmpty {
            body += "<p class=\"alert\" role=\"alert\"><strong>⚠ \(escape(ReportWording.unresolvedTitle)).</strong> "
                + "\(escape(ReportWording.conflictWarning(content.conflicts.count)))</p>\n"
        }
        body += overview(content) + summary(content) + decision(content) + recommendation(content) + followUp(content)
            + findings(content) + checklist(content) + notes(content) + evidence(content) + conflicts(content)
        body += "<footer>\(escape(ReportWording.footer))</footer>\n"

        return HTMLText.page(title: title(content), style: style, main: body)
    }

    private static func title(_ content: ReportContent) -> String {
        "Audit report \(content.audit)" + (content.clientName.map { " — \($0)" } ?? "")
    }

    // MARK: Sections

    private static func overview(_ content: ReportContent) -> String {
        section("Audit", facts([
            ("Certification body", text(content.body)),
            ("Client", text(ReportWording.client(content))),
            ("Sites", list(content.sites)),
            ("Scope", text(content.scope)),
            ("Audit kind", text(ReportWording.kind(content.kind))),
            ("Planned", text(content.planned ?? ReportWording.notPlanned)),
            ("Standards", list(content.standards.map(ReportWording.standard))),
            ("Team", list(ReportWording.team(content))),
            ("Certificate", text(content.certificate ?? ReportWording.noCertificate)),
            ("Earlier audits", content.earlier.isEmpty ? text(ReportWording.noEarlierAudits) : ids(content.earlier)),
            ("Record", text(ReportWording.record(content))),
            ("Latest recorded change", text(content.latestChange.map(ReportWording.time) ?? "nothing recorded yet")),
        ]))
    }

    private static func summary(_ content: ReportContent) -> String {
        var rows: [(String, String)] = [
            ("Checklist", text(ReportWording.checklistSummary(content))),
            ("Findings", text(ReportWording.findingsSummary(content))),
            ("Open conflicts", text(ReportWording.conflictsSummary(content))),
            ("Recommendation", text(ReportWording.recommendationSummary(content))),
        ]
        if !content.removed.isEmpty { rows.append(("Removed during the audit", text(content.removed.joined(separator: ", ")))) }

        var results = "<table class=\"counts\">\n<thead><tr><th>Result</th><th class=\"num\">Items</th></tr></thead>\n<tbody>\n"
        for tally in content.resultTallies {
            results += "<tr><td class=\"\(resultClass(tally.label))\">\(escape(tally.label))</td><td class=\"num\">\(tally.count)</td></tr>\n"
        }
        results += "<tr class=\"total\"><td>Total</td><td class=\"num\">\(content.items.count)</td></tr>\n</tbody>\n</table>\n"

        let statuses = content.statusOrder
        var grades = "<table class=\"counts\">\n<thead><tr><th>Finding grade</th>"
            + statuses.map { "<th class=\"num\">\(escape($0))</th>" }.joined() + "<th class=\"num\">Total</th></tr></thead>\n<tbody>\n"
        for grade in content.gradeOrder.map(Optional.some) + [nil] {
            grades += grade == nil ? "<tr class=\"total\"><td>Total</td>" : "<tr><td>\(escape(grade ?? ""))</td>"
            for status in statuses.map(Optional.some) + [nil] {
                grades += "<td class=\"num\">\(content.findingCount(grade: grade, status: status))</td>"
            }
            grades += "</tr>\n"
        }
        grades += "</tbody>\n</table>\n"
        return section("Summary", facts(rows) + results + grades)
    }

    private static func recommendation(_ content: ReportContent) -> String {
        guard let recommendation = content.recommendation else {
            return section("Lead auditor's recommendation", "<p>Not recorded yet.</p>\n")
        }
        let conflicted = recommendation.conflicted
        return section("Lead auditor's recommendation", facts([
            ("Decision", text(ReportWording.recommendation(recommendation.decision), conflicted: conflicted.contains("recommendation"))),
            ("Note", text(recommendation.note, conflicted: conflicted.contains("recommendation_note"))),
            ("Recorded by", text(recommendation.by, conflicted: conflicted.contains("recommended_by"))),
            ("Recorded at", text(ReportWording.time(recommendation.at))),
        ]))
    }

    private static func decision(_ content: ReportContent) -> String {
        guard let decision = content.decision else {
            return section(ReportWording.decisionTitle, "<p>\(escape(ReportWording.noDecision(content)))</p>\n")
        }
        var rows: [(String, String)] = [
            ("Decision", text(ReportWording.outcome(decision))),
            ("Decided by", text("\(content.person(decision.reviewer)), reviewer")),
            ("Decided at", text(ReportWording.time(decision.decidedAt))),
        ]
        if let reason = decision.reason { rows.append(("Reason", text(reason))) }
        if let certificate = decision.certificate { rows.append(("Certificate", "<span class=\"id\">\(escape(certificate))</span>")) }
        rows.append(("Audit document SHA-256", "<span class=\"digest\">\(escape(decision.documentSHA256 ?? "—"))</span>"))
        return section(ReportWording.decisionTitle, facts(rows))
    }

    private static func followUp(_ content: ReportContent) -> String {
        guard !content.carried.isEmpty else {
            return section(ReportWording.followUpTitle, "<p>\(escape(ReportWording.noCarriedFindings))</p>\n")
        }
        var html = "<table>\n<thead><tr><th>Finding</th><th>Follows up</th><th>Grade</th><th>Status</th><th>Item</th>"
            + "</tr></thead>\n<tbody>\n"
        for finding in content.carried {
            html += "<tr><td class=\"id\">\(escape(finding.id))</td><td class=\"id\">\(escape(finding.carriedFrom ?? ""))</td>"
                + "<td>\(escape(ReportWording.grade(finding.grade)))</td>"
                + cell(finding.status, conflicted: finding.conflicted.contains("status"))
                + "<td class=\"id\">\(escape(finding.item ?? "—"))</td></tr>\n"
        }
        return section(ReportWording.followUpTitle, html + "</tbody>\n</table>\n")
    }

    private static func findings(_ content: ReportContent) -> String {
        guard !content.findings.isEmpty else { return section("Findings", "<p>No findings raised.</p>\n") }
        var html = ""
        for finding in content.findings {
            let conflicted = finding.conflicted
            let grade = finding.grade.flatMap { ["major", "minor", "observation", "improvement"].contains($0) ? " g-\($0)" : nil } ?? ""
            html += "<article class=\"finding\(grade)\">\n"
            html += "<h3>\(escape(ReportWording.heading(finding)))</h3>\n"
            var rows: [(String, String)] = [
                ("Item", text(ReportWording.item(finding), conflicted: conflicted.contains("item"))),
                ("Grade", text(finding.grade, conflicted: conflicted.contains("grade"))),
                ("Status", text(finding.status, conflicted: conflicted.contains("status"))),
                ("Statement", text(finding.statement, conflicted: conflicted.contains("statement"))),
                ("Raised by", text(finding.raisedBy, conflicted: conflicted.contains("raised_by"))),
                ("Client's response", text(finding.response, conflicted: conflicted.contains("response"))),
                ("Acceptance note", text(finding.acceptanceNote, conflicted: conflicted.contains("acceptance_note"))),
                ("Verification note", text(finding.verificationNote, conflicted: conflicted.contains("verification_note"))),
            ]
            if finding.note != nil || conflicted.contains("note") {
                rows.append(("Note", text(finding.note, conflicted: conflicted.contains("note"))))
            }
            rows.append(("Last changed", text(ReportWording.time(finding.updated))))
            rows.append(("Evidence", finding.evidence.isEmpty ? text("none")
                            : "<ul>" + finding.evidence.map { "<li>\(evidenceLine($0))</li>" }.joined() + "</ul>"))
            html += facts(rows) + "</article>\n"
        }
        return section("Findings", html)
    }

    private static func checklist(_ content: ReportContent) -> String {
        guard !content.items.isEmpty else { return section("Checklist", "<p>The checklist is empty.</p>\n") }
        var html = ""
        for group in content.checklistGroups {
            html += "<h3>\(escape(ReportWording.standard(group.standard)))</h3>\n"
            html += "<table class=\"checklist\">\n<thead><tr><th>Item</th><th>Title</th><th>Result</th><th>Note</th>"
                + "<th>Recorded by</th><th>Recorded at</th></tr></thead>\n<tbody>\n"
            for item in group.items {
                html += "<tr><td class=\"id\">\(escape(item.id))</td><td>\(escape(item.title))</td>"
                    + cell(item.result, conflicted: item.conflicted.contains("result"), classes: resultClass(item.result))
                    + cell(item.note, conflicted: item.conflicted.contains("note"))
                    + cell(item.by, conflicted: item.conflicted.contains("by"))
                    + "<td>\(item.at.map { escape(ReportWording.time($0)) } ?? "")</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        return section("Checklist", html)
    }

    private static func notes(_ content: ReportContent) -> String {
        guard !content.notes.isEmpty else { return section("Notes", "<p>No notes.</p>\n") }
        var html = "<table>\n<thead><tr><th>Note</th><th>About</th><th>By</th><th>Last changed</th></tr></thead>\n<tbody>\n"
        for note in content.notes {
            html += "<tr>" + cell(note.text, conflicted: note.conflicted.contains("text"))
                + "<td class=\"id\">\(escape(note.item ?? "the audit"))</td><td>\(escape(note.by ?? "—"))</td>"
                + "<td>\(escape(ReportWording.time(note.updated)))</td></tr>\n"
        }
        return section("Notes", html + "</tbody>\n</table>\n")
    }

    private static func evidence(_ content: ReportContent) -> String {
        guard !content.otherEvidence.isEmpty else {
            return section("Audit evidence", "<p>No evidence beyond what the findings list.</p>\n")
        }
        var html = "<table>\n<thead><tr><th>File</th><th class=\"num\">Size</th><th>SHA-256</th><th>Added by</th>"
            + "<th>Finding</th></tr></thead>\n<tbody>\n"
        for file in content.otherEvidence {
            html += "<tr><td>\(escape(file.name))</td><td class=\"num\">\(escape(ReportWording.bytes(file.size)))</td>"
                + "<td class=\"digest\">\(escape(file.sha256 ?? "—"))</td><td>\(escape(file.addedBy ?? "—"))</td>"
                + "<td>\(escape(file.finding.map { "\($0) (removed)" } ?? "—"))</td></tr>\n"
        }
        return section("Audit evidence", html + "</tbody>\n</table>\n")
    }

    private static func conflicts(_ content: ReportContent) -> String {
        guard !content.conflicts.isEmpty else { return section("Open conflicts", "<p>None: every field has one value.</p>\n") }
        var html = "<table>\n<thead><tr><th>What</th><th>Field</th><th>Kept</th><th>Also written</th></tr></thead>\n<tbody>\n"
        for conflict in content.conflicts {
            html += "<tr class=\"in-conflict\"><td>\(escape(ReportWording.subject(conflict)))</td>"
                + "<td>\(escape(ReportWording.field(conflict.field)))</td><td>\(escape(ReportWording.write(conflict.kept)))</td>"
                + "<td>\(conflict.concurrent.map { escape(ReportWording.write($0)) }.joined(separator: "<br>"))</td></tr>\n"
        }
        return section("Open conflicts", html + "</tbody>\n</table>\n")
    }

    // MARK: Markup

    private static func section(_ title: String, _ inner: String) -> String {
        "<section>\n<h2>\(escape(title))</h2>\n\(inner)</section>\n"
    }

    /// A definition list; each value is already HTML.
    private static func facts(_ rows: [(String, String)]) -> String {
        "<dl class=\"facts\">\n" + rows.map { "<dt>\(escape($0.0))</dt><dd>\($0.1)</dd>\n" }.joined() + "</dl>\n"
    }

    /// Escaped text (`—` when nil), flagged when its field is in conflict.
    private static func text(_ value: String?, conflicted: Bool = false) -> String {
        escape(value ?? "—") + (conflicted ? " <span class=\"conflict\">⚠ conflict</span>" : "")
    }

    private static func list(_ values: [String]) -> String {
        values.isEmpty ? "—" : "<ul>" + values.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
    }

    /// Identifiers, each kept on one line.
    private static func ids(_ values: [String]) -> String {
        "<ul>" + values.map { "<li class=\"id\">\(escape($0))</li>" }.joined() + "</ul>"
    }

    /// A table cell: escaped text (empty when nil), shaded and flagged when in conflict.
    private static func cell(_ value: String?, conflicted: Bool, classes: String = "") -> String {
        let classes = [classes, conflicted ? "in-conflict" : ""].filter { !$0.isEmpty }.joined(separator: " ")
        let flag = conflicted ? (value == nil ? "" : " ") + "<span class=\"conflict\">⚠ conflict</span>" : ""
        return "<td" + (classes.isEmpty ? "" : " class=\"\(classes)\"") + ">" + (value.map(escape) ?? "") + flag + "</td>"
    }

    private static func evidenceLine(_ file: ReportContent.Evidence) -> String {
        "\(escape(file.name)) — \(escape(ReportWording.bytes(file.size))) — SHA-256 "
            + "<span class=\"digest\">\(escape(file.sha256 ?? "—"))</span>"
            + (file.addedBy.map { " — added by \(escape($0))" } ?? "")
    }

    /// A fixed class per known result; nothing for anything else.
    private static func resultClass(_ result: String) -> String {
        switch result {
        case "conform": "r-conform"
        case "nonconform": "r-nonconform"
        case "not-applicable": "r-na"
        case "not-audited": "r-none"
        default: ""
        }
    }

    /// Text as HTML that shows exactly it, in element content and in quoted attribute values.
    public static func escape(_ text: String) -> String { HTMLText.escape(text) }
}
