/// Which items of a standard a client may exclude from its management system, so that an auditor
/// may record them `not-applicable` (with the justification every `not-applicable` needs) and a
/// grant still stands (SPEC §2.1). Everything else is a requirement the client must meet.
public enum Exclusions: Hashable, Sendable {
    /// Nothing: every item is a mandatory requirement of the management system (ISO 22301).
    case none
    /// The Annex controls (`A.` items), which a client selects in its statement of applicability
    /// and may exclude with a reason; the clauses 4–10 never (ISO/IEC 42001, ISO/IEC 27001).
    case annexControls
    /// These items and everything below them (`8.3` also covers `8.3.1`).
    case items([String])
    /// Everything: a guidance standard requires nothing, so any item may be found not to apply.
    case all

    /// Whether `item` may be excluded under this rule.
    public func permits(_ item: CatalogItem) -> Bool {
        switch self {
        case .none: false
        case .annexControls: item.kind == .control
        case .items(let numbers):
            numbers.contains { number in
                let root = CatalogItem(number, "")
                return root.number == item.number || root.isParent(of: item)
            }
        case .all: true
        }
    }
}
