/// How serious a finding is.
public enum FindingGrade: String, CaseIterable, Sendable {
    /// A major nonconformity: blocks certification until closed.
    case major
    /// A minor nonconformity: blocks certification until at least accepted.
    case minor
    case observation
    /// An opportunity for improvement.
    case improvement

    /// The least advanced status at which the finding stops blocking a grant, if it ever blocks.
    public var blocksCertificationUntil: FindingStatus? {
        switch self {
        case .major: .closed
        case .minor: .accepted
        case .observation, .improvement: nil
        }
    }
}

/// Where a finding stands. It moves one step at a time, forward only:
/// `open` → `responded` → `accepted` → `closed`.
public enum FindingStatus: String, CaseIterable, Comparable, Sendable {
    case open
    /// The client's correction and corrective action plan are recorded.
    case responded
    /// The auditor accepted the plan.
    case accepted
    /// The auditor verified the plan was implemented.
    case closed

    private var rank: Int { FindingStatus.allCases.firstIndex(of: self)! }

    public static func < (lhs: FindingStatus, rhs: FindingStatus) -> Bool { lhs.rank < rhs.rank }

    /// The one status this one may move to.
    public var next: FindingStatus? {
        let all = FindingStatus.allCases
        return rank + 1 < all.count ? all[rank + 1] : nil
    }

    public func canMove(to status: FindingStatus) -> Bool { next == status }

    /// Moving to `responded` records the client's answer, so it needs a note.
    public var needsNote: Bool { self == .responded }
}
