/// Named, append-only schema migrations. A shipped migration is never edited: change the schema
/// by appending a new one. Each runs once, in its own transaction, and is recorded by name.
public struct Migrator {
    public struct Migration: Sendable {
        public let name: String
        public let sql: String
        public init(_ name: String, sql: String) {
            self.name = name
            self.sql = sql
        }
    }

    public private(set) var migrations: [Migration] = []

    public init(_ migrations: [Migration] = []) {
        self.migrations = migrations
    }

    public mutating func register(_ name: String, sql: String) {
        precondition(!migrations.contains { $0.name == name }, "migration \(name) registered twice")
        migrations.append(Migration(name, sql: sql))
    }

    /// Applies every migration the database has not seen, in order.
    /// Refuses a database that has migrations this build does not know: a newer AuditSync wrote it.
    public func migrate(_ database: Database) throws {
        try database.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name TEXT PRIMARY KEY NOT NULL,
                applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            )
            """)
        let applied = try appliedMigrations(database)
        let known = Set(migrations.map(\.name))
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw MigrationError.unknownMigration(name: unknown, path: database.path)
        }
        let insert = try database.prepare("INSERT INTO schema_migrations(name) VALUES (?)")
        for migration in migrations where !applied.contains(migration.name) {
            try database.transaction {
                try database.execute(migration.sql)
                insert.bind(1, migration.name)
                try insert.run()
            }
        }
    }

    public func appliedMigrations(_ database: Database) throws -> [String] {
        var names: [String] = []
        try database.prepare("SELECT name FROM schema_migrations ORDER BY rowid").forEachRow { names.append($0.text(0)) }
        return names
    }
}

public enum MigrationError: Error, CustomStringConvertible {
    case unknownMigration(name: String, path: String)

    public var description: String {
        switch self {
        case .unknownMigration(let name, let path):
            "the database \(path) was written by a newer AuditSync (schema step \(name) is unknown here); upgrade AuditSync"
        }
    }
}
