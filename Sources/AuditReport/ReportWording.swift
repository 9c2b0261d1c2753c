/// The words both renderers use, so the HTML and the Markdown report say the same things.
enum ReportWording {
    static let unresolvedTitle = "Unresolved conflicts"

    /// The warning at the top of a report with open conflicts (plain text; the renderer escapes it).
    static func conflictWarning(_ count: Int) -> String {
        "This report has \(count) unresolved conflict\(count == 1 ? "" : "s"): teammates changed the same "
            + "field\(count == 1 ? "" : "s") without seeing each other's change. The values shown are the ones "
            + "the merge kept; the others are listed under \"Open conflicts\". Resolve them by recording each "
            + "field again, sync, and make the report again before relying on it."
    }

    static let footer = "Made by AuditSync from the merged audit document: every replica holding the same changes makes "
        + "this same report."

    /// `Acme AI Ltd (C-0001)`.
    static func client(_ content: ReportContent) -> String? {
        let client = [content.clientName, content.clientID.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        return client.isEmpty ? nil : client
    }

    static func checklistSummary(_ content: ReportContent) -> String {
        "\(content.auditedCount) of \(content.items.count) items audited"
    }

    /// `2, 1 blocking certification (F-7HF9JHJ2 minor, responded)`.
    static func findingsSummary(_ content: ReportContent) -> String {
        let blocking = content.blockingFindings
        guard !blocking.isEmpty else { return "\(content.findings.count), none blocking certification" }
        return "\(content.findings.count), \(blocking.count) blocking certification ("
            + blocking.map { "\($0.id) \($0.grade ?? ""), \($0.status ?? "")" }.joined(separator: "; ") + ")"
    }

    static func conflictsSummary(_ content: ReportContent) -> String {
        content.conflicts.isEmpty ? "none" : "\(content.conflicts.count) — see Open conflicts"
    }

    static func recommendationSummary(_ content: ReportContent) -> String {
        content.recommendation.map { recommendation($0.decision) } ?? "not recorded yet"
    }

    /// `iso42001:2023/6.1.2 — AI risk assessment`.
    static func item(_ finding: ReportContent.Finding) -> String? {
        finding.item.map { item in finding.itemTitle.map { "\(item) — \($0)" } ?? item }
    }

    /// `F-7HF9JHJ2 — Minor nonconformity, responded`.
    static func heading(_ finding: ReportContent.Finding) -> String {
        "\(finding.id) — \(grade(finding.grade)), \(finding.status ?? "status unknown")"
    }

    static func kind(_ raw: String?) -> String {
        switch raw {
        case "stage1": "Stage 1"
        case "stage2": "Stage 2"
        case "surveillance": "Surveillance"
        case "recertification": "Recertification"
        case "special": "Special"
        case let other?: other
        case nil: "—"
        }
    }

    static func grade(_ raw: String?) -> String {
        switch raw {
        case "major": "Major nonconformity"
        case "minor": "Minor nonconformity"
        case "observation": "Observation"
        case "improvement": "Opportunity for improvement"
        case let other?: other
        case nil: "Finding"
        }
    }

    static func recommendation(_ decision: String) -> String {
        switch decision {
        case "grant": "Grant certification"
        case "refuse": "Refuse certification"
        default: decision
        }
    }

    static func entity(_ raw: String) -> String {
        switch raw {
        case "item": "checklist item"
        case "audit": "audit"
        default: raw
        }
    }

    /// `acceptance_note` → `acceptance note`.
    static func field(_ raw: String) -> String {
        raw.replacingUnderscores()
    }

    /// `ISO/IEC 42001:2023 — Artificial intelligence management system (iso42001:2023)`.
    static func standard(_ line: ReportContent.StandardLine) -> String {
        var text = line.designation
        if let title = line.title { text += " — \(title)" }
        if line.designation != line.id { text += " (\(line.id))" }
        if line.certifiable == false { text += ", guidance only" }
        return text
    }

    /// `Alice Martin (alice), lead auditor`, one per member, lead first; ids where names are not known.
    static func team(_ content: ReportContent) -> [String] {
        content.team.map { member in
            (member.name.map { "\($0) (\(member.id))" } ?? member.id) + (member.lead ? ", lead auditor" : ", auditor")
        }
    }

    static let notPlanned = "no dates planned"
    static let noCertificate = "none yet"
    static let noEarlierAudits = "none"

    /// Whether the team may still write to the audit.
    static func record(_ content: ReportContent) -> String {
        content.frozen.map { "read-only: \($0)" } ?? "open: the team is still writing to it"
    }

    static let decisionTitle = "Certification decision"

    static func noDecision(_ content: ReportContent) -> String {
        if content.knowsDecisions { return "Not decided yet." }
        return "Decisions are taken at the certification body's central and are not known where this report was made"
            + (content.frozen.map { "; the audit is read-only: \($0)." } ?? ".")
    }

    static func outcome(_ decision: ReportContext.Decision) -> String {
        decision.granted ? "Granted" : "Refused"
    }

    static let followUpTitle = "Follow-up of earlier audits"
    static let noCarriedFindings = "No findings carried from earlier audits."

    /// `2026-11-29T07:57:43.191Z` → `2026-11-29 07:57:43 UTC`; anything else as it is.
    static func time(_ iso: String?) -> String {
        guard let iso else { return "—" }
        let characters = Array(iso)
        guard characters.count >= 19, characters[10] == "T" else { return iso }
        return String(characters[0..<10]) + " " + String(characters[11..<19]) + " UTC"
    }

    /// `2,500,000 bytes`, grouped the same way on every machine.
    static func bytes(_ count: Int?) -> String {
        guard let count else { return "—" }
        var digits = String(count.magnitude)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return (count < 0 ? "-" : "") + groups.joined(separator: ",") + (count == 1 ? " byte" : " bytes")
    }

    /// `"conform" from node 438a8c61e7c543d9 at 2026-11-29 07:57:43 UTC`.
    static func write(_ write: ReportContent.Write) -> String {
        write.value + (write.node.map { " from node \($0)" } ?? "") + (write.at.map { " at \(time($0))" } ?? "")
    }

    /// `checklist item iso42001:2023/6.1.2` — what a conflict is about.
    static func subject(_ conflict: ReportContent.Conflict) -> String {
        "\(entity(conflict.entity)) \(conflict.member)"
    }

    static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
