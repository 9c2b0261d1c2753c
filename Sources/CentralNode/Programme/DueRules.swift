import AuditDomain
import Certificates

/// Something a certification's programme requires by a date (SPEC §2.1).
public struct DueItem: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case surveillance, recertification
        /// A suspension must end (reinstated or withdrawn) within six months.
        case suspension
    }

    public let kind: Kind
    /// The last day it may be done on (YYYY-MM-DD).
    public let dueBy: String
    public let overdue: Bool
    /// What is due, in words: "first surveillance, within 12 months of the initial decision".
    public let what: String
    /// An audit planned for it and not decided yet.
    public var plannedAudit: String?
}

/// The due dates of one certification's audit programme, from its decisions alone: no clock, no
/// storage, so every rule is tested with plain dates.
///
/// - the first surveillance within 12 months of the initial decision;
/// - a surveillance decided in every calendar year of the cycle that is not the year it starts
///   or the recertification (expiry) year;
/// - the recertification decided by the expiry date (until six months after it, a recertification
///   may still restore an expired certificate, so it stays due — and overdue, alone — until then);
/// - a suspension ended within six months.
public struct DueRules {
    public struct Decided: Equatable, Sendable {
        public let kind: AuditKind
        public let on: CalendarDate

        public init(kind: AuditKind, on: CalendarDate) {
            self.kind = kind
            self.on = on
        }
    }

    /// The first grant's date (the certificate's original issue date).
    public let initialDecision: CalendarDate
    /// The current revision's expiry date: the cycle runs the three years before it.
    public let expiry: CalendarDate
    /// Recorded status: active, suspended or withdrawn.
    public let status: CertificateStatus
    public let suspendedOn: CalendarDate?
    /// Every decided audit of the certification.
    public let decided: [Decided]

    public init(initialDecision: CalendarDate, expiry: CalendarDate, status: CertificateStatus, suspendedOn: CalendarDate?,
                decided: [Decided]) {
        self.initialDecision = initialDecision
        self.expiry = expiry
        self.status = status
        self.suspendedOn = suspendedOn
        self.decided = decided
    }

    /// What is still due on `today`, earliest first.
    public func due(today: CalendarDate) -> [DueItem] {
        guard status != .withdrawn, status != .superseded else { return [] }
        let restorableUntil = expiry.adding(months: 6)
        guard today <= restorableUntil else { return [] }  // lapsed: only a new initial audit certifies again
        func item(_ kind: DueItem.Kind, _ dueBy: CalendarDate, _ what: String) -> DueItem {
            DueItem(kind: kind, dueBy: dueBy.description, overdue: today > dueBy, what: what)
        }
        if today > expiry {
            // Expired: what is left of the cycle no longer matters, only restoring it does.
            return [item(.recertification, expiry,
                         "recertification: the certificate expired on \(expiry); a recertification decided by \(restorableUntil) restores it")]
        }
        var items: [DueItem] = []
        let start = expiry.adding(years: -3)
        let surveillances = decided.filter { $0.kind == .surveillance }.map(\.on)
        let firstCycle = start <= initialDecision
        var coveredYears: Set<Int> = []
        if firstCycle {
            let first = decided.filter { $0.kind == .surveillance && $0.on >= initialDecision }.map(\.on).min()
            if let first {
                coveredYears.insert(first.year)
            } else {
                items.append(item(.surveillance, initialDecision.adding(months: 12),
                                  "first surveillance, within 12 months of the initial decision (\(initialDecision))"))
                coveredYears.insert(initialDecision.adding(months: 12).year)
            }
        }
        if start.year + 1 < expiry.year {
            for year in (start.year + 1)..<expiry.year where !coveredYears.contains(year) {
                guard !surveillances.contains(where: { $0.year == year }) else { continue }
                items.append(item(.surveillance, CalendarDate(year: year, month: 12, day: 31), "surveillance of \(year)"))
            }
        }
        items.append(item(.recertification, expiry, "recertification, decided before the certificate expires"))
        if status == .suspended, let suspendedOn {
            items.append(item(.suspension, suspendedOn.adding(months: 6),
                              "suspended since \(suspendedOn): reinstate or withdraw within six months"))
        }
        return items.sorted { ($0.dueBy, $0.kind.rawValue) < ($1.dueBy, $1.kind.rawValue) }
    }
}
