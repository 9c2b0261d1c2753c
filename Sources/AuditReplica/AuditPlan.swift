import AuditDomain

/// What the certification body plans when it creates an audit: everything a field node needs to
/// know about it before work starts.
public struct AuditPlan: Equatable, Sendable {
    public var id: String
    public var client: String
    public var clientName: String
    public var sites: [String]
    public var standards: [StandardID]
    public var kind: AuditKind
    public var scope: String
    public var lead: String
    /// The other auditors of the team (the lead is not repeated here).
    public var auditors: [String]

    public init(id: String, client: String, clientName: String, sites: [String], standards: [StandardID],
                kind: AuditKind, scope: String, lead: String, auditors: [String]) {
        self.id = id
        self.client = client
        self.clientName = clientName
        self.sites = sites
        self.standards = standards
        self.kind = kind
        self.scope = scope
        self.lead = lead
        self.auditors = auditors
    }

    /// Everyone on the team, lead first.
    public var team: [String] { [lead] + auditors.filter { $0 != lead } }

    /// The checklist: every auditable clause and control of the audit's standards, in order.
    public var checklist: [(id: ChecklistItemID, item: CatalogItem)] {
        standards.flatMap { standard in
            (Catalog.standard(standard)?.auditableItems ?? []).map {
                (ChecklistItemID(standard: standard, number: $0.number), $0)
            }
        }
    }
}
