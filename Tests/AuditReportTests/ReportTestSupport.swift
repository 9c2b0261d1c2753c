import CanonicalJSON

/// Audit documents shaped as `AuditReplica.document(audit:)` makes them, for the renderers.
enum SampleDocument {
    static let digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    /// An audit with no work recorded: every item `not-audited`, nothing else.
    static func empty() -> JSONValue {
        document(checklist: [
            item("iso42001:2023/4.1", "Internal and external issues affecting the organization"),
            item("iso42001:2023/4.2", "Interested parties and their requirements"),
            item("iso42001:2023/A.2.2", "AI policy"),
        ])
    }

    /// An audit in progress: results, two findings (one with evidence), a note, the lead's
    /// recommendation, and `conflicts` as given.
    static func worked(note: String = "Context analysis reviewed with the CTO", conflicts: [JSONValue] = []) -> JSONValue {
        document(
            checklist: [
                item("iso42001:2023/4.1", "Internal and external issues affecting the organization",
                     result: "conform", note: note, by: "alice", at: "2026-11-29T07:57:43.191Z"),
                item("iso42001:2023/4.2", "Interested parties and their requirements"),
                item("iso42001:2023/6.1.2", "AI risk assessment", result: "nonconform",
                     note: "No AI risk assessment process documented", by: "bob", at: "2026-11-29T08:01:02.000Z"),
                item("iso42001:2023/A.2.2", "AI policy", result: "not-applicable", note: "No AI policy needed: out of scope",
                     by: "alice", at: "2026-11-29T08:03:00.000Z"),
            ],
            findings: [
                [
                    "id": "F-7HF9JHJ2", "item": "iso42001:2023/6.1.2", "grade": "minor", "status": "responded",
                    "statement": "AI risk criteria are not defined", "raised_by": "bob",
                    "response": "Risk criteria to be approved by the board by 30 June",
                    "acceptance_note": nil, "verification_note": nil, "note": nil, "updated": "2026-11-29T09:00:00.000Z",
                ],
                [
                    "id": "F-0AAAAAAA", "item": "iso42001:2023/4.1", "grade": "observation", "status": "open",
                    "statement": "Issue register is kept in a spreadsheet", "raised_by": "alice",
                    "response": nil, "acceptance_note": nil, "verification_note": nil, "note": nil,
                    "updated": "2026-11-29T08:30:00.000Z",
                ],
            ],
            evidence: [
                ["id": "E-1", "name": "risk-register.pdf", "sha256": .string(digest), "size": 2_500_000, "finding": "F-7HF9JHJ2",
                 "added_by": "bob", "updated": "2026-11-29T09:00:00.000Z"],
                ["id": "E-2", "name": "site-photo.jpg", "sha256": .string(digest), "size": 1, "finding": nil,
                 "added_by": "alice", "updated": "2026-11-29T08:10:00.000Z"],
            ],
            notes: [["id": "N-1", "item": nil, "text": "Opening meeting held with the CEO", "by": "alice",
                     "updated": "2026-11-29T07:00:00.000Z"]],
            recommendation: ["decision": "refuse", "note": "A minor nonconformity is not yet accepted", "by": "alice",
                             "at": "2026-11-29T10:00:00.000Z"],
            conflicts: conflicts
        )
    }

    /// A conflict on the result of checklist item 4.2, as `document(audit:)` lists it.
    static let resultConflict: JSONValue = [
        "entity": "item", "id": "iso42001:2023/4.2", "field": "result",
        "winner": ["value": "conform", "at": "2026-11-29T07:57:43.191Z", "node": "b5485b3fd51e3cdc", "stamp": "x"],
        "concurrent": [["value": "nonconform", "at": "2026-11-29T07:57:43.139Z", "node": "7dd16155334d3b9d", "stamp": "y"]],
    ]

    static func item(_ id: String, _ title: String, result: String = "not-audited", note: String? = nil, by: String? = nil,
                     at: String? = nil) -> JSONValue {
        ["item": .string(id), "title": .string(title), "result": .string(result), "note": .optional(note), "by": .optional(by),
         "at": .optional(at)]
    }

    static func document(checklist: [JSONValue], findings: [JSONValue] = [], evidence: [JSONValue] = [], notes: [JSONValue] = [],
                         recommendation: JSONValue = nil, conflicts: [JSONValue] = []) -> JSONValue {
        var results: [String: JSONValue] = [:]
        for result in ["conform", "nonconform", "not-applicable", "not-audited"] {
            results[result] = .int(checklist.filter { $0["result"] == .string(result) }.count)
        }
        var statuses: [String: JSONValue] = [:]
        for status in ["open", "responded", "accepted", "closed"] {
            statuses[status] = .int(findings.filter { $0["status"] == .string(status) }.count)
        }
        return [
            "audit": "A-2026-0001",
            "client": ["id": "C-0001", "name": "Acme AI Ltd", "sites": ["1 Main Street, Dublin", "Data centre, Cork"]],
            "kind": "stage2",
            "scope": "Design and operation of AI hiring assistants",
            "standards": ["iso42001:2023"],
            "team": ["lead": "alice", "auditors": ["bob"]],
            "checklist": .array(checklist),
            "findings": .array(findings),
            "evidence": .array(evidence),
            "notes": .array(notes),
            "removed": [],
            "recommendation": recommendation,
            "conflicts": .array(conflicts),
            "summary": ["items": .int(checklist.count), "results": .object(results), "findings": .object(statuses)],
        ]
    }
}
