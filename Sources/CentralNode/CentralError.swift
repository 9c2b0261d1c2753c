/// Why a central command cannot be carried out, and what to do about it.
public enum CentralError: Error, Equatable, CustomStringConvertible {
    case alreadyInitialized(String)
    case notInitialized(String)
    case invalidListenAddress(String)
    case invalidIdentifier(what: String, value: String)
    case duplicateAuditor(String)
    case unknownAuditor(String)
    case unknownClient(String)
    case missingRole(auditor: String, role: String)
    case emptyText(what: String)
    case lineBreak(what: String)
    case invalidValidity(Int)
    case unknownNode(String)
    case unreachableEnrollmentAddress(host: String, port: UInt16)
    case backupExists(String)
    case reviewerOnTeam(reviewer: String, audit: String)
    case cannotGrant(audit: String, gaps: [String])
    case unknownCertificate(String)
    case certificateStatus(number: String, status: String, wanted: String)
    case backupFailed(String)
    case damagedData(String)
    case conflictOfInterest(auditor: String, client: String, reason: String, role: String)
    case alreadyDecided(audit: String, outcome: String, by: String, certificate: String?)
    case missingKey(path: String, what: String)
    case restoreTarget(String)
    case restoreFailed(String)
    case serving(String)
    case nothingToReduce(number: String, what: String)
    /// An audit that does not fit its certification's programme (SPEC §2.1), in words.
    case programme(String)
    case invalidDate(what: String, value: String)

    public var description: String {
        switch self {
        case .alreadyInitialized(let path):
            "a central node already exists in \(path); use it, or choose another directory with --data"
        case .notInitialized(let path):
            "no central node in \(path); create one with `auditsync central init --name NAME` (or pass --data DIR)"
        case .invalidListenAddress(let text):
            "'\(text)' is not a listen address; write HOST:PORT, e.g. 0.0.0.0:7420 or 127.0.0.1:0"
        case .invalidIdentifier(let what, let value):
            "'\(value)' is not a valid \(what) id; use letters, digits, '.', '_' and '-' (at most 64)"
        case .duplicateAuditor(let id):
            "auditor \(id) already exists"
        case .unknownAuditor(let id):
            "no auditor \(id); add one with `auditsync central auditor add --id \(id) --name NAME`"
        case .unknownClient(let id):
            "no client \(id); add one with `auditsync central client add --name NAME --site TEXT`"
        case .missingRole(let auditor, let role):
            "auditor \(auditor) does not have the \(role) role"
        case .emptyText(let what):
            "the \(what) is empty"
        case .lineBreak(let what):
            "the \(what) must fit on one line"
        case .invalidValidity(let hours):
            "a token is valid for 1 to 8760 hours, not \(hours)"
        case .unreachableEnrollmentAddress(let host, let port):
            port == 0
                ? "this central listens on port 0 (a new free port at every start), which a token cannot name; "
                    + "pass --address HOST:PORT with the address laptops reach"
                : "'\(host)' cannot go in a token (1 to 255 bytes); pass --address HOST:PORT"
        case .reviewerOnTeam(let reviewer, let audit):
            "\(reviewer) was on the team of audit \(audit); a reviewer who was not on the audit team decides"
        case .cannotGrant(let audit, let gaps):
            "audit \(audit) cannot be granted yet: " + gaps.joined(separator: "; ")
        case .unknownCertificate(let number):
            "no certificate \(number); `auditsync central certificate list` shows them"
        case .certificateStatus(let number, let status, let wanted):
            "certificate \(number) is \(status); it cannot become \(wanted)"
        case .backupExists(let path):
            "\(path) already exists; a backup never overwrites a file: remove it or choose another name"
        case .backupFailed(let reason):
            "the backup failed, and no backup file was left: \(reason)"
        case .alreadyDecided(let audit, let outcome, let reviewer, let certificate):
            "audit \(audit) is already decided (\(outcome) by \(reviewer)\(certificate.map { ", certificate \($0)" } ?? "")); "
                + "an audit is decided once — plan a new audit for a new decision"
        case .conflictOfInterest(let auditor, let client, let reason, let role):
            "\(auditor) declared a conflict of interest with client \(client) (\(reason)); "
                + "someone with a conflict is never \(role) for that client (SPEC §2.1 impartiality): choose another"
        case .damagedData(let what):
            "the central's data is damaged (\(what)); restore it with `auditsync central restore --from BACKUP`"
        case .missingKey(let path, let what):
            "the central's \(what) \(path) is missing or unreadable; restore it from a backup "
                + "(`auditsync central restore --from BACKUP`, or copy keys/ back from one). A new key is never made "
                + "in its place: every laptop pins this central's key and every certificate names its signing key"
        case .restoreTarget(let path):
            "\(path) is not empty; restore into an empty directory, or pass --replace to set its contents aside "
                + "(they are kept beside it) and restore in their place"
        case .restoreFailed(let reason):
            "the restore failed and nothing was changed: \(reason)"
        case .serving(let path):
            "a `central serve` is running on \(path); stop it first"
        case .unknownNode(let id):
            "no node \(id); `auditsync central node list` shows the enrolled ones"
        case .nothingToReduce(let number, let what):
            "certificate \(number) cannot be reduced so: \(what)"
        case .programme(let why):
            why
        case .invalidDate(let what, let value):
            "the \(what) '\(value)' is not a date; write YYYY-MM-DD, e.g. 2027-03-15"
        }
    }
}
