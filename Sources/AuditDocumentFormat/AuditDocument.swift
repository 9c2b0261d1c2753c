import CanonicalJSON

/// An audit's merged state as one document: what `audit show --json` prints, what a decision's
/// digest is taken over, and what reports are made from (SPEC §7). A replica builds it from its
/// records; readers build it back from the JSON with `init(json:)`, leniently, so that a report
/// renders any document, even one from a newer or damaged replica.
///
/// The vocabulary (results, grades, statuses, kinds) stays as text: the document carries what the
/// records say, and a reader that meets a word it does not know still shows it.
public struct AuditDocument: Equatable, Sendable {
    public var audit: String
    public var client: Client
    public var kind: String
    public var scope: String
    public var standards: [String]
    public var team: Team
    /// The certificate number of the certification a later audit belongs to.
    public var certificate: String?
    /// Nil when no date was planned.
    public var planned: Planned?
    /// Earlier audits of the same certification, oldest first.
    public var earlier: [String]
    /// Why the audit takes no more writes; nil while it is open.
    public var frozen: String?
    public var checklist: [ChecklistEntry]
    /// Present findings by id.
    public var findings: [Finding]
    public var evidence: [Evidence]
    public var notes: [Note]
    /// Members withdrawn during the audit (tombstones), kept in its trail.
    public var removed: [Removed]
    public var recommendation: Recommendation?
    public var conflicts: [Conflict]
    public var summary: Summary

    public init(audit: String, client: Client, kind: String, scope: String, standards: [String], team: Team,
                certificate: String? = nil, planned: Planned? = nil, earlier: [String] = [], frozen: String? = nil,
                checklist: [ChecklistEntry] = [], findings: [Finding] = [], evidence: [Evidence] = [], notes: [Note] = [],
                removed: [Removed] = [], recommendation: Recommendation? = nil, conflicts: [Conflict] = [],
                summary: Summary = Summary()) {
        self.audit = audit
        self.client = client
        self.kind = kind
        self.scope = scope
        self.standards = standards
        self.team = team
        self.certificate = certificate
        self.planned = planned
        self.earlier = earlier
        self.frozen = frozen
        self.checklist = checklist
        self.findings = findings
        self.evidence = evidence
        self.notes = notes
        self.removed = removed
        self.recommendation = recommendation
        self.conflicts = conflicts
        self.summary = summary
    }

    /// Findings that follow up a finding of an earlier audit.
    public var carriedFindings: [Finding] { findings.filter { $0.carriedFrom != nil } }
}

extension AuditDocument {
    public struct Client: Equatable, Sendable {
        public var id: String
        public var name: String
        public var sites: [String]

        public init(id: String, name: String, sites: [String]) {
            self.id = id
            self.name = name
            self.sites = sites
        }
    }

    public struct Team: Equatable, Sendable {
        public var lead: String
        /// The other members; the lead is not repeated.
        public var auditors: [String]

        public init(lead: String, auditors: [String]) {
            self.lead = lead
            self.auditors = auditors
        }
    }

    /// YYYY-MM-DD dates, as the central planned them.
    public struct Planned: Equatable, Sendable {
        public var from: String?
        public var to: String?

        public init(from: String?, to: String?) {
            self.from = from
            self.to = to
        }
    }

    /// One checklist item and its result; times are ISO 8601 UTC.
    public struct ChecklistEntry: Equatable, Sendable {
        /// `iso42001:2023/6.1.2`.
        public var item: String
        public var title: String
        public var result: String
        public var note: String?
        public var by: String?
        /// When the result was written; nil while the item is not audited.
        public var at: String?

        public init(item: String, title: String, result: String, note: String? = nil, by: String? = nil, at: String? = nil) {
            self.item = item
            self.title = title
            self.result = result
            self.note = note
            self.by = by
            self.at = at
        }
    }

    /// A finding; a field nobody wrote is nil. `updated` is when any of its fields last changed.
    public struct Finding: Equatable, Sendable {
        public var id: String
        public var item: String?
        public var grade: String?
        public var statement: String?
        public var status: String?
        public var response: String?
        public var acceptanceNote: String?
        public var verificationNote: String?
        public var note: String?
        public var raisedBy: String?
        /// On a carried finding: the finding of an earlier audit it follows up (`AUDIT/F-…`).
        public var carriedFrom: String?
        public var updated: String?

        public init(id: String, item: String? = nil, grade: String? = nil, statement: String? = nil, status: String? = nil,
                    response: String? = nil, acceptanceNote: String? = nil, verificationNote: String? = nil, note: String? = nil,
                    raisedBy: String? = nil, carriedFrom: String? = nil, updated: String? = nil) {
            self.id = id
            self.item = item
            self.grade = grade
            self.statement = statement
            self.status = status
            self.response = response
            self.acceptanceNote = acceptanceNote
            self.verificationNote = verificationNote
            self.note = note
            self.raisedBy = raisedBy
            self.carriedFrom = carriedFrom
            self.updated = updated
        }
    }

    public struct Evidence: Equatable, Sendable {
        public var id: String
        public var sha256: String?
        public var name: String?
        public var size: Int?
        /// The finding it supports; nil for the audit's own evidence.
        public var finding: String?
        public var addedBy: String?
        public var updated: String?

        public init(id: String, sha256: String? = nil, name: String? = nil, size: Int? = nil, finding: String? = nil,
                    addedBy: String? = nil, updated: String? = nil) {
            self.id = id
            self.sha256 = sha256
            self.name = name
            self.size = size
            self.finding = finding
            self.addedBy = addedBy
            self.updated = updated
        }
    }

    public struct Note: Equatable, Sendable {
        public var id: String
        /// The checklist item it is about; nil for the audit as a whole.
        public var item: String?
        public var text: String?
        public var by: String?
        public var updated: String?

        public init(id: String, item: String? = nil, text: String? = nil, by: String? = nil, updated: String? = nil) {
            self.id = id
            self.item = item
            self.text = text
            self.by = by
            self.updated = updated
        }
    }

    /// `finding F-…`: a withdrawn member.
    public struct Removed: Equatable, Sendable {
        public var entity: String
        public var id: String

        public init(entity: String, id: String) {
            self.entity = entity
            self.id = id
        }
    }

    /// The lead auditor's recommendation: `grant` or `refuse`.
    public struct Recommendation: Equatable, Sendable {
        public var decision: String
        public var note: String?
        public var by: String?
        public var at: String

        public init(decision: String, note: String?, by: String?, at: String) {
            self.decision = decision
            self.note = note
            self.by = by
            self.at = at
        }
    }

    /// A field with concurrent writes: the one the merge kept and the others.
    public struct Conflict: Equatable, Sendable {
        public var entity: String
        /// The member (`iso42001:2023/6.1.2`, `F-…`), or the audit id for the audit's own fields.
        public var id: String
        public var field: String
        public var winner: Write
        public var concurrent: [Write]

        public init(entity: String, id: String, field: String, winner: Write, concurrent: [Write]) {
            self.entity = entity
            self.id = id
            self.field = field
            self.winner = winner
            self.concurrent = concurrent
        }
    }

    /// One write of a conflicted field: any value a field holds, when, from which node, and its
    /// hybrid logical clock stamp.
    public struct Write: Equatable, Sendable {
        public var value: JSONValue
        public var at: String
        public var node: String
        public var stamp: String

        public init(value: JSONValue, at: String, node: String, stamp: String) {
            self.value = value
            self.at = at
            self.node = node
            self.stamp = stamp
        }
    }

    /// Counts: checklist items, items by result, findings by status.
    public struct Summary: Equatable, Sendable {
        public var items: Int
        public var results: [String: Int]
        public var findings: [String: Int]

        public init(items: Int = 0, results: [String: Int] = [:], findings: [String: Int] = [:]) {
            self.items = items
            self.results = results
            self.findings = findings
        }
    }
}
