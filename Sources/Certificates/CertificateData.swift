/// A standard a certificate names, with its edition: `iso42001:2023`, "Artificial intelligence management system".
public struct CertifiedStandard: Equatable, Sendable {
    public let id: String
    public let title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

/// What a certificate states (SPEC §2: number, certification body, client and sites, scope,
/// standards with edition, original issue, issue and expiry dates, revision, audit), plus its
/// place in the status lists. Dates are `YYYY-MM-DD`, UTC.
public struct CertificateData: Equatable, Sendable {
    /// The unique certificate number, e.g. `ECB-2026-0001`.
    public var number: String
    /// The certification body.
    public var issuerName: String
    /// The certification body as a URI, e.g. `urn:auditsync:central:<node hex>`: the credential's issuer id.
    public var issuerID: String
    public var clientName: String
    public var sites: [String]
    public var scope: String
    public var standards: [CertifiedStandard]
    /// When the client was first certified for this scope.
    public var originalIssueDate: String
    /// The certification decision's date; the certificate is valid from its start.
    public var issueDate: String
    /// Three years on; the certificate is valid through the end of this day.
    public var expiryDate: String
    public var revision: Int
    /// The audit the decision rested on.
    public var audit: String
    /// This certificate's bit in the suspension, revocation and supersession status lists.
    public var statusIndex: Int
    /// SHA-256 (hex) of the canonical audit document the decision was taken on (SPEC §6); nil
    /// in certificates issued before credentials carried it.
    public var documentSHA256: String?

    public init(
        number: String, issuerName: String, issuerID: String, clientName: String, sites: [String], scope: String,
        standards: [CertifiedStandard], originalIssueDate: String, issueDate: String, expiryDate: String, revision: Int,
        audit: String, statusIndex: Int, documentSHA256: String? = nil
    ) {
        self.number = number
        self.issuerName = issuerName
        self.issuerID = issuerID
        self.clientName = clientName
        self.sites = sites
        self.scope = scope
        self.standards = standards
        self.originalIssueDate = originalIssueDate
        self.issueDate = issueDate
        self.expiryDate = expiryDate
        self.revision = revision
        self.audit = audit
        self.statusIndex = statusIndex
        self.documentSHA256 = documentSHA256
    }
}
