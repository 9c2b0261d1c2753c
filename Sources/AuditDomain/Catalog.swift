/// The standards AuditSync audits against, with their clauses and controls.
///
/// Titles are short descriptions written by the AuditSync team; the catalog carries no text of
/// the standards themselves.
public enum Catalog {
    public static let standards: [Standard] = [
        iso42001, iso27001, iso27701, iso9001, iso22301,
        iso23894, iso31000, iso22989, iso23053,
    ]

    public static func standard(_ id: StandardID) -> Standard? {
        standards.first { $0.id == id }
    }
}
