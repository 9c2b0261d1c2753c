import AuditDocumentFormat
import AuditDomain
import CanonicalJSON

/// The human reading of an audit document: what an auditor scans on a terminal.
enum AuditText {
    static func render(_ document: AuditDocument) -> String {
        var lines: [String] = []
        let client = document.client
        lines.append("audit \(text(document.audit)) — \(text(document.kind)) — \(text(client.name)) (\(text(client.id)))")
        if let reason = document.frozen {
            lines.append("read-only: \(reason); nothing more is written to it")
        }
        lines.append("scope: \(text(document.scope))")
        lines.append("standards: \(list(document.standards))")
        lines.append("team: lead \(text(document.team.lead))"
            + (document.team.auditors.isEmpty ? "" : ", auditors " + document.team.auditors.joined(separator: ", ")))
        if let planned = document.planned {
            lines.append("planned: \(planned.from ?? "—") to \(planned.to ?? "—")")
        }
        if let certificate = document.certificate { lines.append("certificate: \(certificate)") }
        if !document.earlier.isEmpty { lines.append("earlier audits: \(document.earlier.joined(separator: ", "))") }
        let results = document.summary.results
        lines.append("checklist: \(document.summary.items) items — "
            + ChecklistResult.allCases.map { "\(results[$0.rawValue].map(String.init) ?? "—") \($0.rawValue)" }.joined(separator: ", "))
        for item in document.checklist where item.result != ChecklistResult.notAudited.rawValue {
            let note = item.note.flatMap { $0.isEmpty ? nil : " — \($0)" } ?? ""
            lines.append("  \(item.item)  \(item.result)\(note)")
        }
        if !document.findings.isEmpty {
            lines.append("findings:")
            for finding in document.findings {
                let carried = finding.carriedFrom.map { " (follows up \($0))" } ?? ""
                lines.append("  \(finding.id)  \(text(finding.grade)), \(text(finding.status)) — \(text(finding.item)): "
                    + "\(text(finding.statement))\(carried)")
            }
        }
        if !document.evidence.isEmpty {
            lines.append("evidence: \(document.evidence.count) file(s)")
        }
        if let recommendation = document.recommendation {
            lines.append("recommendation: \(text(recommendation.decision)) by \(text(recommendation.by))")
        }
        if !document.conflicts.isEmpty {
            lines.append("conflicts (resolve each by writing the field again):")
            for conflict in document.conflicts {
                let others = conflict.concurrent.map { value($0.value) }.joined(separator: ", ")
                lines.append("  \(text(conflict.entity)) \(text(conflict.id)) \(text(conflict.field)): "
                    + "\(value(conflict.winner.value)) (kept) vs \(others)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `—` for what the document does not say.
    private static func text(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "—" }
        return value
    }

    private static func list(_ values: [String]) -> String {
        values.isEmpty ? "—" : values.joined(separator: ", ")
    }

    /// A written value as a terminal shows it: text as it is, anything else as JSON.
    private static func value(_ json: JSONValue) -> String {
        switch json {
        case .string(let text): text
        case .null: "—"
        default: json.encoded(pretty: false)
        }
    }
}
