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
    /// The certificate (number) of the certification this audit belongs to; nil for an initial
    /// audit, whose certification the first grant creates (SPEC §2.1).
    public var certificate: String?
    /// When the audit is planned to take place (YYYY-MM-DD, both given or neither).
    public var plannedFrom: String?
    public var plannedTo: String?
    /// Earlier audits of the same certification, oldest first: this audit's team receives them
    /// read-only, and their findings short of `closed` are carried into it.
    public var earlier: [String]
    /// Set once the audit takes no more writes, saying why (its decision, or the later audit that
    /// follows it up): the record stays as it was (SPEC §2.1).
    public var frozen: String?

    public init(id: String, client: String, clientName: String, sites: [String], standards: [StandardID],
                kind: AuditKind, scope: String, lead: String, auditors: [String], certificate: String? = nil,
                plannedFrom: String? = nil, plannedTo: String? = nil, earlier: [String] = [], frozen: String? = nil) {
        self.id = id
        self.client = client
        self.clientName = clientName
        self.sites = sites
        self.standards = standards
        self.kind = kind
        self.scope = scope
        self.lead = lead
        self.auditors = auditors
        self.certificate = certificate
        self.plannedFrom = plannedFrom
        self.plannedTo = plannedTo
        self.earlier = earlier
        self.frozen = frozen
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
