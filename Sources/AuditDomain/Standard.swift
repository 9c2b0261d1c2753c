/// A management system standard in the catalog, named by the identifier users type:
/// `iso42001:2023`, `iso27001:2022`, …
public struct Standard: Sendable {
    /// `iso42001:2023`: designation and edition year.
    public let id: StandardID
    /// The designation as printed on a certificate, e.g. `ISO/IEC 42001:2023`.
    public let designation: String
    /// A short title written by the AuditSync team (never text of the standard).
    public let title: String
    /// Whether a certificate may name this standard. Guidance standards are reference only:
    /// checklists may use them, certificates never do.
    public let certifiable: Bool
    /// Every clause and control, in document order. Clauses first, then Annex A controls.
    /// Each item's `excludable` follows `exclusions`.
    public let items: [CatalogItem]
    /// Which items a client may exclude.
    public let exclusions: Exclusions

    public init(id: StandardID, designation: String, title: String, certifiable: Bool, exclusions: Exclusions,
                items: [CatalogItem]) {
        self.id = id
        self.designation = designation
        self.title = title
        self.certifiable = certifiable
        self.exclusions = exclusions
        self.items = items.map { CatalogItem($0.number, $0.title, excludable: exclusions.permits($0)) }
    }

    /// The items an auditor records a result for: every item with no sub-items.
    /// Clause 6.1 of ISO/IEC 42001 is a heading because 6.1.1 … 6.1.4 exist; 6.2 is auditable.
    public var auditableItems: [CatalogItem] {
        items.enumerated().filter { index, item in
            let next = index + 1 < items.count ? items[index + 1] : nil
            return !(next.map { item.isParent(of: $0) } ?? false)
        }.map(\.element)
    }

    public func item(_ number: String) -> CatalogItem? {
        items.first { $0.number == number }
    }
}

/// `iso42001:2023`: lowercase designation, a colon, the edition year.
public struct StandardID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: StandardID, rhs: StandardID) -> Bool { lhs.rawValue < rhs.rawValue }
}
