/// The kinds of audit ISO/IEC 17021-1 certification is built from.
public enum AuditKind: String, CaseIterable, Sendable {
    case stage1
    case stage2
    case surveillance
    case recertification
    case special

    /// Whether a grant decision may follow an audit of this kind (a special audit grants only a
    /// scope extension).
    public var canLeadToCertification: Bool {
        switch self {
        case .stage2, .recertification, .special: true
        case .stage1, .surveillance: false
        }
    }
}
