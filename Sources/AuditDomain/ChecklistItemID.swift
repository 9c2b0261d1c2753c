/// `iso42001:2023/6.1`, `iso27001:2022/A.5.1`: a standard and one of its clauses or controls.
public struct ChecklistItemID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let standard: StandardID
    public let number: String

    public init(standard: StandardID, number: String) {
        self.standard = standard
        self.number = number
    }

    /// Parses and checks against the catalog: the standard must exist and have the item.
    public init(parsing text: String) throws(DomainError) {
        guard let slash = text.firstIndex(of: "/") else { throw .malformedItem(text) }
        let standard = StandardID(String(text[..<slash]))
        let number = String(text[text.index(after: slash)...])
        guard let entry = Catalog.standard(standard) else { throw .unknownStandard(standard.rawValue) }
        guard entry.item(number) != nil else { throw .unknownItem(text, standard: standard) }
        self.init(standard: standard, number: number)
    }

    public var description: String { "\(standard.rawValue)/\(number)" }

    /// Whether the catalog lets a client exclude this item (`not-applicable`); false for an item
    /// the catalog does not know, since nothing says it may be excluded.
    public var isExcludable: Bool { Catalog.standard(standard)?.item(number)?.excludable ?? false }

    public static func < (lhs: ChecklistItemID, rhs: ChecklistItemID) -> Bool { lhs.description < rhs.description }
}
