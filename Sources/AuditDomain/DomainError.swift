/// A request the certification rules do not allow, in words an auditor can act on.
public enum DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownStandard(String)
    case malformedItem(String)
    case unknownItem(String, standard: StandardID)
    case invalidValue(what: String, value: String, allowed: [String])
    case noCertifiableStandard
    case missingJustification(item: String)
    case emptyText(what: String)
    case illegalStatusMove(finding: String, from: FindingStatus, to: FindingStatus)
    case missingResponse(finding: String)
    case itemNotInAudit(item: String, audit: String)
    case unknownAudit(String)
    case unknownFinding(String)
    case unknownEvidence(String)
    case unknownNote(String)
    case removed(what: String, id: String)
    case notLead(auditor: String, audit: String)
    case auditFrozen(audit: String, reason: String)
    case notExcludable(item: String, standard: String)
    case textTooLong(what: String, bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .unknownStandard(let id):
            "unknown standard '\(id)'; known standards: \(Catalog.standards.map(\.id.rawValue).joined(separator: ", "))"
        case .malformedItem(let text):
            "'\(text)' is not a checklist item; write STANDARD/ITEM, e.g. iso42001:2023/6.1 or iso27001:2022/A.5.1"
        case .unknownItem(let text, let standard):
            "\(standard.rawValue) has no item '\(text.split(separator: "/").last.map(String.init) ?? text)'; "
                + "Annex A controls carry the A. prefix (e.g. \(standard.rawValue)/A.5.1)"
        case .invalidValue(let what, let value, let allowed):
            "'\(value)' is not a valid \(what); use one of: \(allowed.joined(separator: ", "))"
        case .noCertifiableStandard:
            "an audit needs at least one certifiable standard (iso42001:2023, iso27001:2022, iso27701:2019, iso9001:2015, iso22301:2019)"
        case .missingJustification(let item):
            "\(item): not-applicable needs a justification; add --note \"why it does not apply\""
        case .emptyText(let what):
            "the \(what) is empty; write something the client and the reviewer can read"
        case .illegalStatusMove(let finding, let from, let to):
            "finding \(finding) is \(from.rawValue) and cannot move to \(to.rawValue); "
                + (from.next.map { "its next status is \($0.rawValue)" } ?? "it is closed")
        case .missingResponse(let finding):
            "finding \(finding): moving to responded records the client's correction and corrective action plan; add --note \"…\""
        case .itemNotInAudit(let item, let audit):
            "\(item) is not on the checklist of audit \(audit); `auditsync field checklist --audit \(audit)` lists it"
        case .unknownAudit(let id):
            "no audit \(id) on this node; check the audit id (`central audit create` printed it)"
        case .unknownFinding(let id):
            "no finding \(id) on this node"
        case .unknownEvidence(let id):
            "no evidence \(id) on this node"
        case .unknownNote(let id):
            "no note \(id) on this node"
        case .removed(let what, let id):
            "\(what) \(id) was removed; it can no longer be changed"
        case .notLead(let auditor, let audit):
            "only the lead auditor of \(audit) records its recommendation, and \(auditor) is not its lead"
        case .auditFrozen(let audit, let reason):
            "audit \(audit) is read-only (\(reason)); nothing more is written to it"
        case .notExcludable(let item, let standard):
            "\(item) cannot be not-applicable: \(standard) does not let a client exclude it, so a grant would fail; "
                + "record conform, or nonconform with a finding (`field checklist` marks the items that may be excluded)"
        case .textTooLong(let what, let bytes, let limit):
            "the \(what) is \(bytes) bytes, more than the \(limit) an audit record takes; shorten it, or attach "
                + "the full text as an evidence file"
        }
    }
}

extension DomainError {
    /// Parses a value of a closed vocabulary, or says which words are allowed.
    public static func parse<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ text: String, what: String) throws(DomainError) -> T
    where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw .invalidValue(what: what, value: text, allowed: T.allCases.map(\.rawValue))
        }
        return value
    }
}
