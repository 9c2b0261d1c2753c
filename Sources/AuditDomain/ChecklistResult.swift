/// What the auditor concluded for one checklist item.
public enum ChecklistResult: String, CaseIterable, Sendable {
    case conform
    case nonconform
    /// Needs a justification note: why the requirement does not apply to this organisation.
    case notApplicable = "not-applicable"
    case notAudited = "not-audited"

    public var needsJustification: Bool { self == .notApplicable }
}
