import Foundation
import HexEncoding
import SQLiteKit

/// What the central keeps about positions in sync sessions: the identity of its log (with the
/// logs it continues after restores) and, per field node, how far it holds that node's own
/// records (the node's own log position), committed with the records themselves.
extension Central {
    /// The central's log and the logs it continues. The id is drawn by a migration, so every
    /// cursor a node ever learned names one.
    public func logLineage() throws -> LogLineage {
        let settings = SettingsTable(database, table: "central_config")
        guard let text = try settings.value(Self.logIDKey), let current = UInt64(text, radix: 16) else {
            throw CentralError.damagedData("central_config has no valid \(Self.logIDKey)")
        }
        guard let lineage = LogLineage(current: current, ancestorsText: try settings.value(Self.logAncestorsKey) ?? "") else {
            throw CentralError.damagedData("central_config has a malformed \(Self.logAncestorsKey)")
        }
        return lineage
    }

    /// Gives the log a new identity that continues `lineage` (a restore does this).
    func setLogLineage(_ lineage: LogLineage) throws {
        let settings = SettingsTable(database, table: "central_config")
        try database.transaction {
            try settings.set(Self.logIDKey, Hex.encode(lineage.current))
            try settings.set(Self.logAncestorsKey, lineage.ancestorsText)
        }
    }

    static let logIDKey = "log.id"
    static let logAncestorsKey = "log.ancestors"

    /// The node's own log position through which this central holds everything it pushed, or
    /// nil when it never pushed here (or did so before positions were kept).
    public func pushedThrough(node: String) throws -> UInt64? {
        let query = try database.prepare("SELECT through FROM node_pushes WHERE node = ?1")
        query.bind(1, node)
        defer { query.reset() }
        return try query.step() ? UInt64(query.int64(0)) : nil
    }

    /// Notes, inside the transaction that applied a push, that the node's records through
    /// `through` are held. Never moves back: batches come in order and a position, once held,
    /// stays held.
    func notePushed(node: String, through: UInt64) throws {
        let upsert = try database.prepare("""
            INSERT INTO node_pushes(node, through) VALUES (?1, ?2)
            ON CONFLICT(node) DO UPDATE SET through = max(through, excluded.through)
            """)
        upsert.bind(1, node)
        upsert.bind(2, Int64(bitPattern: through))
        try upsert.run()
    }
}
