import Certificates

/// One revision of a certificate as the central's register holds it.
public struct IssuedCertificate: Equatable, Sendable {
    public let data: CertificateData
    /// active, suspended, withdrawn or superseded as recorded; `expired` follows from the date.
    public let recordedStatus: CertificateStatus
    public let statusReason: String?
    /// When the status last changed (ISO 8601), nil while it never did.
    public let statusChangedAt: String?
    /// The signed credential (compact JWS, `typ` `vc+jwt`).
    public let credential: String

    /// The status today: a superseded or withdrawn revision stays so; any other is expired
    /// after its expiry date, whatever was recorded.
    public func status(today: String) -> CertificateStatus {
        if recordedStatus == .withdrawn || recordedStatus == .superseded { return recordedStatus }
        if data.expiryDate < today { return .expired }
        return recordedStatus
    }
}

/// Something that happened to a certificate: a revision issued, a surveillance outcome, a status
/// change. `certificate show` lists them; an assessor reads the certification's history here.
public struct CertificateEvent: Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// Revision 1, from the initial audit's grant.
        case issued
        /// A recertification's grant: a new revision, valid three more years.
        case renewed
        /// A special audit's grant: a new revision with the extended scope or standards.
        case extended
        /// Less scope, fewer sites or standards, decided without an audit.
        case reduced
        /// A surveillance audit's grant: the certification continues.
        case confirmed
        /// A decision that did not grant (a recertification or special audit refused).
        case refused
        case suspended, reinstated, withdrawn
        /// A later revision replaced this one.
        case superseded
    }

    public let number: String
    public let revision: Int
    public let kind: Kind
    public let audit: String?
    /// The reviewer who decided, when one did.
    public let actor: String?
    public let reason: String?
    /// When (ISO 8601, UTC).
    public let at: String
}
