import AuditReplica
import CanonicalJSON

/// The audits a replica holds, one line (or one JSON object) each, with how far their checklist
/// got, and why one takes no more writes: `field audits` on a laptop, `central status` at the
/// central.
struct AuditListing {
    let audits: [(plan: AuditPlan, checklist: [ChecklistLine])]

    init(_ replica: AuditReplica) throws {
        audits = try replica.audits().map { ($0, try replica.checklist(audit: $0.id)) }
    }

    var isEmpty: Bool { audits.isEmpty }

    var lines: [String] {
        audits.map { plan, checklist in
            "\(plan.id)  \(plan.kind.rawValue)  \(plan.clientName) (\(plan.client))  "
                + "\(plan.standards.map(\.rawValue).joined(separator: ", "))  lead \(plan.lead)  "
                + "\(checklist.audited) of \(checklist.count) items audited"
                + (plan.frozen.map { "  read-only: \($0)" } ?? "")
        }
    }

    var json: JSONValue {
        .array(audits.map { plan, checklist in
            [
                "id": .string(plan.id),
                "client": ["id": .string(plan.client), "name": .string(plan.clientName)],
                "kind": .string(plan.kind.rawValue),
                "scope": .string(plan.scope),
                "standards": .array(plan.standards.map { .string($0.rawValue) }),
                "lead": .string(plan.lead),
                "auditors": .array(plan.auditors.map(JSONValue.string)),
                "items": .int(checklist.count),
                "audited": .int(checklist.audited),
                "frozen": .optional(plan.frozen),
            ]
        })
    }
}

extension [ChecklistLine] {
    /// Items with a result, `not-applicable` included: the ones an auditor has dealt with.
    var audited: Int { filter { $0.result != .notAudited }.count }
}
