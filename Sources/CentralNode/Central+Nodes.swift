import Foundation
import NoiseProtocol
import SQLiteKit
import Transport

/// A field node registered at this central: its id, the static key it proves in every
/// handshake, and the auditor it belongs to.
public struct RegisteredNode: Equatable, Sendable {
    public let id: String
    public let publicKey: [UInt8]
    public let auditor: String
    public let enrolledAt: String
    public let revokedAt: String?
    public let revokeReason: String?
    /// What the auditor called the laptop at enrollment.
    public let deviceName: String
    /// When it last connected (past admission), if ever.
    public let lastSeenAt: String?
}

extension Central {
    /// Registers a field node's static key for an auditor (enrollment does this).
    public func registerNode(id: String, publicKey: [UInt8], auditor: String, deviceName: String = "") throws {
        guard publicKey.count == 32 else { throw CentralError.invalidIdentifier(what: "node key", value: "\(publicKey.count) bytes") }
        guard try self.auditor(auditor) != nil else { throw CentralError.unknownAuditor(auditor) }
        try NodeDirectory.insertNode(in: database, id: id, publicKey: publicKey, auditor: auditor, deviceName: deviceName)
    }

    public func nodes() throws -> [RegisteredNode] {
        try NodeDirectory.nodes(in: database, where: "", bind: { _ in })
    }

    /// The central's own long-term Noise key, made by `initialize`. Every enrolled laptop pins
    /// it, so a missing or damaged key file is an error that says to restore it, never a reason
    /// to make a new one.
    public func staticKey() throws -> StaticKeyPair {
        do {
            return try StaticKeyFile.load(in: directory)
        } catch let error as KeyFileError {
            if case .tooOpen = error { throw error }
            throw CentralError.missingKey(path: directory.appendingPathComponent(StaticKeyFile.relativePath).path,
                                          what: "channel key")
        }
    }
}

/// Looks nodes up by the key they proved. Reads the database on every call, so an enrollment or
/// a revocation made by another process takes effect for the next handshake.
public final class NodeDirectory {
    let database: Database
    var lastDataVersion: Int64 = -1

    /// Opens its own connection: the server's loop thread must not share the command's.
    public init(centralDirectory: URL) throws {
        database = try Database(path: centralDirectory.appendingPathComponent(Central.databaseName).path,
                                options: { var options = Database.Options(); options.create = false; return options }())
    }

    public func node(withKey key: [UInt8]) throws -> RegisteredNode? {
        try NodeDirectory.nodes(in: database, where: "WHERE public_key = ?1") { $0.bind(1, blob: key) }.first
    }

    /// Notes that `id` connected now.
    public func markSeen(_ id: String) throws {
        let update = try database.prepare("UPDATE nodes SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?1")
        update.bind(1, id)
        try update.run()
    }

    public func node(withID id: String) throws -> RegisteredNode? {
        try NodeDirectory.nodes(in: database, where: "WHERE id = ?1") { $0.bind(1, id) }.first
    }

    static func nodes(in database: Database, where clause: String, bind: (Statement) -> Void) throws -> [RegisteredNode] {
        let query = try database.prepare("""
            SELECT id, public_key, auditor, enrolled_at, revoked_at, revoke_reason, device_name, last_seen_at
            FROM nodes \(clause) ORDER BY enrolled_at, id
            """)
        bind(query)
        var nodes: [RegisteredNode] = []
        try query.forEachRow { row in
            nodes.append(RegisteredNode(id: row.text(0), publicKey: row.blob(1), auditor: row.text(2),
                                        enrolledAt: row.text(3), revokedAt: row.optionalText(4),
                                        revokeReason: row.optionalText(5), deviceName: row.text(6),
                                        lastSeenAt: row.optionalText(7)))
        }
        return nodes
    }

    static func insertNode(in database: Database, id: String, publicKey: [UInt8], auditor: String, deviceName: String) throws {
        let insert = try database.prepare("INSERT INTO nodes(id, public_key, auditor, device_name) VALUES (?1, ?2, ?3, ?4)")
        insert.bind(1, id)
        insert.bind(2, blob: publicKey)
        insert.bind(3, auditor)
        insert.bind(4, deviceName)
        try insert.run()
    }
}
