/// One clause or Annex A control of a standard.
public struct CatalogItem: Hashable, Sendable {
    public enum Kind: String, Sendable {
        case clause
        case control
    }

    /// `6.1.2` for a clause, `A.6.2.4` for an Annex A control. Controls always carry the `A.`
    /// prefix, so `iso27001:2022/A.5.1` never collides with clause 5.1.
    public let number: String
    /// A short title written by the AuditSync team.
    public let title: String
    /// Whether a client may exclude the item, so that `not-applicable` is a result its standard
    /// permits (SPEC §2.1). Set from the standard's `Exclusions`, never item by item, so that a
    /// standard's rule reads in one place.
    public let excludable: Bool

    public init(_ number: String, _ title: String) {
        self.init(number, title, excludable: false)
    }

    init(_ number: String, _ title: String, excludable: Bool) {
        self.number = number
        self.title = title
        self.excludable = excludable
    }

    public var kind: Kind { number.hasPrefix("A.") ? .control : .clause }

    /// The dotted parts of the number without the `A.` prefix: `A.6.2.4` → [6, 2, 4].
    var path: [Substring] {
        let bare = number.hasPrefix("A.") ? number.dropFirst(2) : Substring(number)
        return bare.split(separator: ".")
    }

    /// Whether `other` sits directly or indirectly below this item (6.1 is the parent of 6.1.2).
    public func isParent(of other: CatalogItem) -> Bool {
        kind == other.kind && other.path.count > path.count && Array(other.path.prefix(path.count)) == path
    }
}
