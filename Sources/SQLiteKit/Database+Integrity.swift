extension Database {
    /// What `PRAGMA integrity_check` finds wrong with the file, at most `limit` problems; empty
    /// when the database is sound. A file too damaged for the check to run throws.
    public func integrityProblems(limit: Int = 20) throws -> [String] {
        let query = try prepare("PRAGMA integrity_check(\(max(1, limit)))")
        defer { query.reset() }
        var lines: [String] = []
        try query.forEachRow { lines.append($0.text(0)) }
        return lines == ["ok"] ? [] : lines
    }
}
