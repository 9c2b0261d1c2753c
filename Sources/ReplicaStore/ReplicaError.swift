import SQLiteKit

/// Failures a user can act on, in the words they will read.
public enum ReplicaError: Error, CustomStringConvertible {
    case notADatabase(path: String)
    case missing(path: String)
    case notAReplica(path: String)
    case storage(SQLiteError)

    public var description: String {
        switch self {
        case .notADatabase(let path):
            "\(path) is damaged or is not an AuditSync database; restore it from a backup (nothing was changed)"
        case .missing(let path):
            "no replica database at \(path)"
        case .notAReplica(let path):
            "\(path) is an SQLite file but not an AuditSync replica"
        case .storage(let error):
            "storage failed: \(error)"
        }
    }

    /// The disk is full: what failed was not kept; it works again once space is freed.
    public var isStorageFull: Bool {
        if case .storage(let error) = self { return error.isFull }
        return false
    }

    /// Wraps an SQLite failure, naming corruption plainly.
    public static func wrap(_ error: SQLiteError, path: String) -> ReplicaError {
        error.isCorruption ? .notADatabase(path: path) : .storage(error)
    }
}
