import CSQLite

/// One connection to an SQLite database file.
///
/// A connection belongs to the thread that uses it: it is opened with `SQLITE_OPEN_NOMUTEX`
/// and is not `Sendable`. Open one connection per thread instead of sharing.
public final class Database {
    public struct Options: Sendable {
        /// Create the file if it does not exist.
        public var create = true
        public var readOnly = false
        /// How long to wait for another connection's write lock before failing with `SQLITE_BUSY`.
        public var busyTimeoutMilliseconds: Int32 = 10_000
        /// Page cache size in KiB (bounded memory whatever the data size).
        public var cacheKiB = 64 * 1024
        /// WAL with `synchronous = FULL`: a commit that returned is on disk.
        public var durableWAL = true

        public init() {}
    }

    public let path: String
    let handle: OpaquePointer

    /// Process-wide settings, applied once before the first connection opens (SQLite accepts
    /// them only before it initialises). Without memory statistics, an allocation inside SQLite
    /// takes no global lock: the hot paths of applying records and syncing spent 8% of their time
    /// in that lock.
    private static let configured: Void = {
        _ = auditsync_sqlite3_disable_memstatus()
    }()

    public init(path: String, options: Options = Options()) throws(SQLiteError) {
        _ = Database.configured
        self.path = path
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if options.create && !options.readOnly { flags |= SQLITE_OPEN_CREATE }
        var connection: OpaquePointer?
        let status = sqlite3_open_v2(path, &connection, flags, nil)
        guard status == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(connection)
            throw SQLiteError(extendedCode: status, message: message)
        }
        handle = connection
        sqlite3_busy_timeout(handle, options.busyTimeoutMilliseconds)
        do {
            // The first statement reads the header: a file that is not a database fails here.
            try execute("PRAGMA cache_size = -\(options.cacheKiB)")
            if options.durableWAL && !options.readOnly { try enableDurableWAL() }
        } catch {
            sqlite3_close_v2(handle)
            throw error
        }
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Write-ahead logging with a sync at every commit: readers never block the writer, and a
    /// commit that returned survives a crash or power cut.
    public func enableDurableWAL() throws(SQLiteError) {
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = FULL")
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if status != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: message, sql: sql)
        }
    }

    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`, so the write lock is taken up
    /// front and a busy database fails before any work is done). Throws roll everything back.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        precondition(!isInTransaction, "nested transaction on \(path)")
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    func lastError(sql: String?) -> SQLiteError {
        SQLiteError(extendedCode: sqlite3_extended_errcode(handle),
                    message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}
