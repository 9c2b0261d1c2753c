import AuditDocumentFormat
import CanonicalJSON

/// The audit report as JSON for programs: the canonical audit document, every member as
/// `audit show --json` prints it, and one more, `report`, with what the report adds — the
/// certification body, the team with names and roles, the decision and the certificate.
/// A script that reads the document reads the report the same way.
public enum JSONReport {
    public static func render(_ document: AuditDocument, context: ReportContext = ReportContext()) -> String {
        let content = ReportContent(document, context: context)
        guard case .object(var members) = document.json else { return document.json.encoded(pretty: true) + "\n" }
        members["report"] = [
            "body": .optional(content.body),
            "team": .array(content.team.map { member in
                ["id": .string(member.id), "name": .optional(member.name), "role": .string(member.lead ? "lead" : "auditor")]
            }),
            "decision": content.decision.map { decision in
                [
                    "decision": .string(decision.granted ? "grant" : "refuse"), "reviewer": .string(decision.reviewer),
                    "reviewer_name": .optional(context.names[decision.reviewer]), "decided_at": .string(decision.decidedAt),
                    "reason": .optional(decision.reason), "certificate": .optional(decision.certificate),
                    "document_sha256": .optional(decision.documentSHA256),
                ]
            } ?? .null,
            "decisions_known": .bool(content.knowsDecisions),
            "certificate": .optional(content.certificate),
        ]
        return JSONValue.object(members).encoded(pretty: true) + "\n"
    }
}
