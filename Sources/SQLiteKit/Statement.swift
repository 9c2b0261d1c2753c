import CSQLite

/// A prepared statement. Bind parameters by 1-based index, step, read columns by 0-based index,
/// then reset before reuse. A statement that stepped to a row and was not reset holds a read
/// transaction open and blocks `COMMIT`, so `step` users must reset (or use `query`/`run`).
public final class Statement {
    let handle: OpaquePointer
    public let sql: String
    // Keeps the connection open for as long as a statement of it exists.
    let database: Database

    /// SQLite copies bound text and blobs right away.
    private static let transient = unsafeBitCast(-1 as Int, to: sqlite3_destructor_type.self)

    init(database: Database, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw database.lastError(sql: sql) }
        handle = statement
        self.sql = sql
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Binding

    public func bind(_ index: Int32, _ value: Int64) {
        check(sqlite3_bind_int64(handle, index, value))
    }

    public func bind(_ index: Int32, _ value: Int) { bind(index, Int64(value)) }

    public func bind(_ index: Int32, _ value: String) {
        var text = value
        text.withUTF8 { buffer in
            // An empty string has no base address; bind it as empty text, not NULL.
            let empty: StaticString = ""
            let base = UnsafeRawPointer(buffer.baseAddress ?? empty.utf8Start).assumingMemoryBound(to: CChar.self)
            check(sqlite3_bind_text(handle, index, base, Int32(buffer.count), Statement.transient))
        }
    }

    public func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { bindNull(index) }
    }

    public func bind(_ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { bind(index, blob: $0) }
    }

    public func bind(_ index: Int32, blob: UnsafeRawBufferPointer) {
        // A zero-length blob with a null pointer would bind NULL: bind a zero blob instead.
        guard let base = blob.baseAddress, blob.count > 0 else {
            check(sqlite3_bind_zeroblob(handle, index, 0))
            return
        }
        check(sqlite3_bind_blob(handle, index, base, Int32(blob.count), Statement.transient))
    }

    public func bindNull(_ index: Int32) { check(sqlite3_bind_null(handle, index)) }

    /// Binding fails only on programming errors (bad index, finalized statement).
    private func check(_ status: Int32) {
        precondition(status == SQLITE_OK, "bind failed (\(status)) in \(sql)")
    }

    // MARK: Stepping

    /// Advances to the next row: true when a row is ready, false when done.
    @discardableResult
    public func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.lastError(sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Steps a statement that returns no rows, then resets it for reuse.
    public func run() throws(SQLiteError) {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Calls `row` for each result row, then resets the statement.
    public func forEachRow(_ row: (Statement) throws -> Void) throws {
        defer { sqlite3_reset(handle) }
        while try step() { try row(self) }
    }

    public func reset() {
        sqlite3_reset(handle)
    }

    public func clearBindings() { sqlite3_clear_bindings(handle) }

    // MARK: Columns

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    public func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    public func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    public func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    /// The column's bytes, valid only until the next step, reset or column call.
    public func withBlob<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let pointer = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }

    public func blob(_ column: Int32) -> [UInt8] { withBlob(column) { Array($0) } }
}
