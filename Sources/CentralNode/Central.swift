import AuditDomain
import AuditReplica
import Foundation
import RecordSeals
import MergeCore
import ReplicaStore
import SQLiteKit
import Transport

/// The certification body's node: its audit programme and the merged replica of every audit,
/// in one data directory (`central.sqlite`, evidence under `blobs/`).
public final class Central {
    public static let databaseName = "central.sqlite"
    /// Who writes on the central's own replica.
    public static let actor = "central"

    public let directory: URL
    public let replica: AuditReplica
    public var store: ReplicaStore { replica.store }
    var database: Database { store.database }

    /// Creates a central node in `directory` (made if missing; refused if a node is there).
    public static func initialize(at directory: URL, name: String, listen: ListenAddress = .default,
                                  now: @escaping () -> UInt64 = ReplicaStore.wallClockMilliseconds) throws -> Central {
        try requireLine(name, "central name")
        let file = directory.appendingPathComponent(databaseName)
        if FileManager.default.fileExists(atPath: file.path) { throw CentralError.alreadyInitialized(directory.path) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        // A directory the operator made beforehand is narrowed too: it will hold the node's keys.
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        let central = try Central(directory: directory, create: true, now: now)
        _ = try StaticKeyFile.loadOrCreate(in: directory)
        try central.database.transaction {
            try central.setConfig("name", name)
            try central.setConfig("listen", listen.description)
        }
        return central
    }

    /// Opens the central node in `directory`.
    public convenience init(opening directory: URL, now: @escaping () -> UInt64 = ReplicaStore.wallClockMilliseconds) throws {
        let file = directory.appendingPathComponent(Central.databaseName)
        guard FileManager.default.fileExists(atPath: file.path) else { throw CentralError.notInitialized(directory.path) }
        try self.init(directory: directory, create: false, now: now)
    }

    private init(directory: URL, create: Bool, now: @escaping () -> UInt64) throws {
        self.directory = directory
        let store = try ReplicaStore(path: directory.appendingPathComponent(Central.databaseName).path,
                                     create: create, migrations: CentralSchema.migrations, now: now)
        replica = AuditReplica(store: store, evidence: EvidenceStore(root: directory.appendingPathComponent("blobs")),
                               actor: Central.actor)
        // The central's own records (plans, freezes, carried findings) are sealed as it writes them.
        let raw = try KeyFile.loadOrCreate(directory.appendingPathComponent(Central.recordKeyPath)) {
            RecordSigningKey.generate().rawRepresentation
        }
        store.recordSigningKey = try RecordSigningKey(rawRepresentation: raw)
    }

    /// The Ed25519 key the central seals its own records with (protocol/signatures.md).
    public static let recordKeyPath = "keys/record-signing.key"

    public var node: NodeID { store.node }

    public var name: String {
        get throws { try config("name") ?? "" }
    }

    public var listenAddress: ListenAddress {
        get throws { try config("listen").map { try ListenAddress(parsing: $0) } ?? .default }
    }

    func config(_ name: String) throws -> String? {
        try SettingsTable(database, table: "central_config").value(name)
    }

    func setConfig(_ name: String, _ value: String) throws {
        try SettingsTable(database, table: "central_config").set(name, value)
    }

    static func requireLine(_ text: String, _ what: String) throws {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw CentralError.emptyText(what: what) }
        if text.contains(where: \.isNewline) { throw CentralError.lineBreak(what: what) }
    }
}
