/// Why a field command cannot be carried out, and what the auditor can do about it.
public enum FieldError: Error, Equatable, CustomStringConvertible {
    case notInitialized(String)
    case alreadyEnrolled(node: String, central: String)
    case notAFieldNode(String)
    case refused(String)
    case unexpectedAnswer(String)
    case notEnrolled(String)
    case refusedRecords([String])

    public var description: String {
        switch self {
        case .notInitialized(let path):
            "no field node in \(path); enroll this laptop with `auditsync field init --token TOKEN` (or pass --data DIR)"
        case .alreadyEnrolled(let node, let central):
            "this data directory is already enrolled as node \(node) with \(central); use another --data directory to enroll again"
        case .notAFieldNode(let path):
            "\(path) holds a central node, not a field node; choose another directory with --data"
        case .refused(let reason):
            "the central refused the enrollment: \(reason)"
        case .unexpectedAnswer(let what):
            "the central answered with \(what); is it an AuditSync central of this version?"
        case .notEnrolled(let path):
            "the field node in \(path) is not enrolled yet; run `auditsync field init --token TOKEN` first"
        case .refusedRecords(let reasons):
            "this laptop refused \(reasons.count) records from the central; check its clock and sync again (nothing is lost): "
                + reasons.prefix(3).joined(separator: "; ")
        }
    }
}
