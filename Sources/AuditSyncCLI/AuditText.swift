import CanonicalJSON

/// The human reading of an audit document: what an auditor scans on a terminal.
enum AuditText {
    static func render(_ document: JSONValue) -> String {
        var lines: [String] = []
        let client = document["client"]
        lines.append("audit \(text(document["audit"])) — \(text(document["kind"])) — \(text(client?["name"])) (\(text(client?["id"])))")
        lines.append("scope: \(text(document["scope"]))")
        lines.append("standards: \(list(document["standards"]))")
        lines.append("team: lead \(text(document["team"]?["lead"]))" + auditors(document["team"]?["auditors"]))
        if let summary = document["summary"], let results = summary["results"] {
            lines.append("checklist: \(text(summary["items"])) items — "
                + ["conform", "nonconform", "not-applicable", "not-audited"].map { "\(text(results[$0])) \($0)" }.joined(separator: ", "))
        }
        if case .array(let items) = document["checklist"] {
            for item in items where text(item["result"]) != "not-audited" {
                let note = item["note"].map(text).flatMap { $0.isEmpty ? nil : " — \($0)" } ?? ""
                lines.append("  \(text(item["item"]))  \(text(item["result"]))\(note)")
            }
        }
        if case .array(let findings) = document["findings"], !findings.isEmpty {
            lines.append("findings:")
            for finding in findings {
                lines.append("  \(text(finding["id"]))  \(text(finding["grade"])), \(text(finding["status"])) — \(text(finding["item"])): \(text(finding["statement"]))")
            }
        }
        if case .array(let evidence) = document["evidence"], !evidence.isEmpty {
            lines.append("evidence: \(evidence.count) file(s)")
        }
        if let recommendation = document["recommendation"], recommendation != .null {
            lines.append("recommendation: \(text(recommendation["decision"])) by \(text(recommendation["by"]))")
        }
        if case .array(let conflicts) = document["conflicts"], !conflicts.isEmpty {
            lines.append("conflicts (resolve each by writing the field again):")
            for conflict in conflicts {
                let others = (conflict["concurrent"]?.elements ?? []).map { text($0["value"]) }.joined(separator: ", ")
                lines.append("  \(text(conflict["entity"])) \(text(conflict["id"])) \(text(conflict["field"])): "
                    + "\(text(conflict["winner"]?["value"])) (kept) vs \(others)")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .bool(let flag): String(flag)
        case .double(let number): String(number)
        case .null, nil: "—"
        case .array, .object: value.map { $0.encoded(pretty: false) } ?? ""
        }
    }

    private static func list(_ value: JSONValue?) -> String {
        guard case .array(let elements) = value else { return "—" }
        return elements.map { text($0) }.joined(separator: ", ")
    }

    private static func auditors(_ value: JSONValue?) -> String {
        guard case .array(let elements) = value, !elements.isEmpty else { return "" }
        return ", auditors " + elements.map { text($0) }.joined(separator: ", ")
    }
}
