/// What a report says beyond the audit document: what the node making it knows of the
/// certification body, the people on the audit and the decision. The central knows all of it;
/// a laptop knows the body's name and its own auditor, and the report shows ids for the rest.
public struct ReportContext: Equatable, Sendable {
    /// The certification body's name.
    public var body: String?
    /// Full names by auditor id; someone not here is shown by id.
    public var names: [String: String]
    /// Whether decisions are known where the report is made (the central), so that "none" means
    /// not decided rather than not known.
    public var knowsDecisions: Bool
    /// The certification decision taken on the audit, if any.
    public var decision: Decision?
    /// The certificate the report is about: the one the grant issued, or the certification's.
    public var certificate: String?

    public init(body: String? = nil, names: [String: String] = [:], knowsDecisions: Bool = false, decision: Decision? = nil,
                certificate: String? = nil) {
        self.body = body
        self.names = names
        self.knowsDecisions = knowsDecisions
        self.decision = decision
        self.certificate = certificate
    }

    /// A certification decision as the central keeps it.
    public struct Decision: Equatable, Sendable {
        public var granted: Bool
        public var reviewer: String
        public var reason: String?
        /// UTC, as the central recorded it.
        public var decidedAt: String
        public var certificate: String?
        /// SHA-256 of the audit document the decision rested on.
        public var documentSHA256: String?

        public init(granted: Bool, reviewer: String, reason: String?, decidedAt: String, certificate: String?,
                    documentSHA256: String?) {
            self.granted = granted
            self.reviewer = reviewer
            self.reason = reason
            self.decidedAt = decidedAt
            self.certificate = certificate
            self.documentSHA256 = documentSHA256
        }
    }
}
