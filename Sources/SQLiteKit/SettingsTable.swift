/// A table of named settings — `name TEXT PRIMARY KEY, value TEXT` — as each kind of node keeps
/// its configuration (`central_config`, `field_config`): read one, write one, read them all.
public struct SettingsTable {
    public let database: Database
    public let table: String

    /// `table` is a name from the schema, never user input: it is written into the SQL.
    public init(_ database: Database, table: String) {
        self.database = database
        self.table = table
    }

    public func value(_ name: String) throws -> String? {
        let query = try database.prepare("SELECT value FROM \(table) WHERE name = ?1")
        query.bind(1, name)
        defer { query.reset() }
        return try query.step() ? query.text(0) : nil
    }

    /// Sets or replaces one value (inside the caller's transaction, if there is one).
    public func set(_ name: String, _ value: String) throws {
        let statement = try database.prepare("""
            INSERT INTO \(table)(name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value
            """)
        statement.bind(1, name)
        statement.bind(2, value)
        try statement.run()
    }

    /// Removes one value, if it is there.
    public func remove(_ name: String) throws {
        let statement = try database.prepare("DELETE FROM \(table) WHERE name = ?1")
        statement.bind(1, name)
        try statement.run()
    }

    public func all() throws -> [String: String] {
        let query = try database.prepare("SELECT name, value FROM \(table)")
        var values: [String: String] = [:]
        try query.forEachRow { values[$0.text(0)] = $0.text(1) }
        return values
    }
}
