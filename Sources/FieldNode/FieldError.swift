import WireProtocol

/// Why a field command cannot be carried out, and what the auditor can do about it.
public enum FieldError: Error, Equatable, CustomStringConvertible {
    case notInitialized(String)
    case alreadyEnrolled(node: String, central: String)
    case notAFieldNode(String)
    /// The central refused the enrollment (code 11, or another refusal while enrolling).
    case enrollmentRefused(String)
    /// The central ended a sync with an `error`: the code says what it is.
    case centralRefused(ChannelError, step: String)
    /// The central could not be reached, or the connection was lost.
    case unreachable(String)
    case unexpectedAnswer(String)
    case notEnrolled(String)
    case refusedRecords([String])
    /// Own records that are not what this laptop sealed when it wrote them.
    case alteredRecords([String])
    /// What answered at the central's address is not the central this laptop pinned.
    case wrongCentral(String)
    /// The laptop is enrolled but its key is gone or damaged.
    case missingKey(path: String, node: String)
    /// The central said this laptop is revoked; what it held of the certification body is deleted.
    case revoked(Revocation)

    /// What kind of failure it is, for the exit status scripts read (docs/field-guide.md).
    public enum Kind: Sendable {
        /// The central said no: something must change before a sync can work (exit 3).
        case refused
        /// The central could not be reached or is not serving now: sync again later (exit 4).
        case unavailable
        /// Anything else (exit 1).
        case failed
    }

    public var kind: Kind {
        switch self {
        case .enrollmentRefused, .missingKey, .wrongCentral, .revoked: .refused
        case .unreachable: .unavailable
        case .centralRefused(let error, _):
            switch error.code {
            case .shuttingDown, .busy, .storageFull, .timeout: .unavailable
            default: .refused
            }
        default: .failed
        }
    }

    public var description: String {
        switch self {
        case .notInitialized(let path):
            "no field node in \(path); enroll this laptop with `auditsync field init --token TOKEN` (or pass --data DIR)"
        case .alreadyEnrolled(let node, let central):
            "this data directory is already enrolled as node \(node) with \(central); use another --data directory to enroll "
                + "another laptop (a laptop whose key was lost re-enrolls here with a new token)"
        case .notAFieldNode(let path):
            "\(path) holds a central node, not a field node; choose another directory with --data"
        case .enrollmentRefused(let reason):
            "the central refused the enrollment: \(reason)"
        case .centralRefused(let error, let step):
            Self.describe(error, step: step)
        case .unreachable(let reason):
            "cannot reach the central: \(reason); nothing was lost — sync again when the network is back"
        case .unexpectedAnswer(let what):
            "the central answered with \(what); is it an AuditSync central of this version?"
        case .notEnrolled(let path):
            "the field node in \(path) is not enrolled yet; run `auditsync field init --token TOKEN` first"
        case .refusedRecords(let reasons):
            "this laptop refused \(reasons.count) records from the central; check its clock and sync again (nothing is lost): "
                + reasons.prefix(3).joined(separator: "; ")
        case .alteredRecords(let problems):
            "\(problems.count == 1 ? "a record" : "\(problems.count) runs of records") on this laptop changed after "
                + "\(problems.count == 1 ? "it was" : "they were") written (\(problems.prefix(2).joined(separator: "; "))): "
                + "the disk or a hand altered them, so nothing was sent. Run `auditsync field check`, keep a copy of this "
                + "data directory, and tell the certification body"
        case .wrongCentral(let address):
            "the server at \(address) is not this laptop's central: its key is not the one pinned at enrollment. "
                + "Do not sync on this network, and tell the certification body; nothing was sent"
        case .revoked(let revocation):
            "this laptop was revoked at \(revocation.central) (\(revocation.reason)); its audits were deleted from it on "
                + "\(revocation.at) (records, evidence and the central's publications; its own key is kept); ask the certification body"
        case .missingKey(let path, let node):
            "this laptop's key \(path) is missing or damaged, so it cannot prove it is node \(node); nothing else is lost. "
                + "Put the key back from a backup of this laptop, or ask the certification body for a new enrollment token "
                + "and run `auditsync field init --token TOKEN` on this data directory: the replica and every unsent record "
                + "are kept and go up under the new key"
        }
    }

    /// A refusal in the auditor's words: what happened, and what to do.
    private static func describe(_ error: ChannelError, step: String) -> String {
        switch error.code {
        case .revokedNode:
            "the central revoked this laptop: \(error.reason). Its work cannot be synced any more; "
                + "ask the certification body (exit 3)"
        case .unknownNode:
            "the central does not know this laptop's key: \(error.reason). If the central was restored from an older "
                + "backup, ask the certification body for a new enrollment token and run `auditsync field init --token TOKEN` "
                + "on this data directory (its work is kept)"
        case .keyMismatch:
            "the central refused this laptop's identity: \(error.reason)"
        case .unsupportedVersion:
            "this laptop's AuditSync does not speak the central's protocol: \(error.reason); update AuditSync"
        case .shuttingDown:
            "the central is shutting down; nothing was lost — sync again in a few minutes"
        case .storageFull:
            "the central's disk is full, so it could not keep what this laptop sent (\(error.reason)); nothing was lost "
                + "here — tell the certification body's operators, and sync again later"
        case .busy:
            "the central cannot sync now: \(error.reason); nothing was lost — sync again later"
        case .timeout:
            "the central closed the session after a silence: \(error.reason); sync again"
        case .enrollmentRefused:
            "the central refused the enrollment: \(error.reason)"
        default:
            "the central refused the sync at the \(step) step: \(error) — a fault between this laptop and the central; "
                + "nothing was lost. Sync again; if it recurs, send `auditsync field check` and this message to support"
        }
    }
}
