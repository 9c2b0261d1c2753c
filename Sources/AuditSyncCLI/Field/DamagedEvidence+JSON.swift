import CanonicalJSON
import FieldNode

extension DamagedEvidence {
    /// As `field sync --json` and `field check --json` list it under `"quarantined"`.
    var json: JSONValue {
        ["sha256": .string(sha256), "state": .string(state.rawValue), "kept_at": .optional(keptAt),
         "problem": .optional(problem), "evidence": .array(evidence.map(\.json)), "advice": .string(advice)]
    }
}

extension EvidenceReference {
    var json: JSONValue {
        ["audit": .string(audit), "id": .string(id), "name": .optional(name), "finding": .optional(finding),
         "added_by": .optional(addedBy)]
    }
}
