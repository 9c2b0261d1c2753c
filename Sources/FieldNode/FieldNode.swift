import AuditReplica
import Foundation
import HexEncoding
import MergeCore
import ReplicaStore
import SQLiteKit

/// An auditor's laptop: its replica of the audits it works on (`field.sqlite`), its evidence
/// (`blobs/`), its static key (`keys/`), and what enrollment told it about its central.
public final class FieldNode {
    public static let databaseName = "field.sqlite"

    /// What a node learned at enrollment.
    public struct Enrollment: Equatable, Sendable {
        public let centralHost: String
        public let centralPort: UInt16
        /// The central's static key, pinned: every later handshake must prove exactly this key.
        public let centralKey: [UInt8]
        public let centralName: String
        public let auditor: String
        public let auditorName: String
        public let enrolledAt: String
    }

    public let directory: URL
    public let store: ReplicaStore
    var database: Database { store.database }

    /// Opens the field node in `directory`, creating the directory (0700) and the replica when
    /// `create` is set. A central's directory is refused: one directory, one role.
    public init(at directory: URL, create: Bool = false,
                now: @escaping () -> UInt64 = ReplicaStore.wallClockMilliseconds) throws {
        self.directory = directory
        let file = directory.appendingPathComponent(Self.databaseName)
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("central.sqlite").path) {
            throw FieldError.notAFieldNode(directory.path)
        }
        let exists = FileManager.default.fileExists(atPath: file.path)
        guard exists || create else { throw FieldError.notInitialized(directory.path) }
        if !exists {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            // It will hold the node's private key and the audits' evidence: owner only.
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        }
        store = try ReplicaStore(path: file.path, create: !exists, migrations: FieldSchema.migrations, now: now)
        store.recordSigningKey = try Self.loadRecordKey(in: directory)
    }

    /// This node's id: drawn when the replica was created, registered at the central by
    /// enrollment, named in every hello.
    public var node: NodeID { store.node }

    /// Audit work on this laptop, as its auditor; refused until the node is enrolled.
    public func replica() throws -> AuditReplica {
        guard let enrollment = try enrollment else { throw FieldError.notEnrolled(directory.path) }
        // A revoked laptop holds nothing to work on any more, and says why.
        try requireNotRevoked()
        // Work written now must be able to go up: a laptop whose key is gone says so first.
        _ = try nodeKey()
        // A clock corrected since it ran ahead: what it stamped ahead is re-stamped first, so
        // documents and reports show the right times.
        try repairClockIfAhead()
        return AuditReplica(store: store, evidence: EvidenceStore(root: directory.appendingPathComponent("blobs")),
                            actor: enrollment.auditor)
    }

    /// Nil until `field init` completes.
    public var enrollment: Enrollment? {
        get throws {
            let values = try settings.all()
            guard let host = values["central.host"], let port = values["central.port"].flatMap(UInt16.init),
                  let key = values["central.key"].flatMap(Hex.decode), let auditor = values["auditor"]
            else { return nil }
            return Enrollment(centralHost: host, centralPort: port, centralKey: key, centralName: values["central.name"] ?? "",
                              auditor: auditor, auditorName: values["auditor.name"] ?? "", enrolledAt: values["enrolled_at"] ?? "")
        }
    }

    /// What enrollment and sync keep (`field_config`).
    var settings: SettingsTable { SettingsTable(database, table: "field_config") }

    func config(_ name: String) throws -> String? {
        try settings.value(name)
    }

    func setConfig(_ name: String, _ value: String) throws {
        try settings.set(name, value)
    }

    func record(_ enrollment: Enrollment) throws {
        try database.transaction {
            let values: [(String, String)] = [
                ("central.host", enrollment.centralHost), ("central.port", String(enrollment.centralPort)),
                ("central.key", Hex.encode(enrollment.centralKey)), ("central.name", enrollment.centralName),
                ("auditor", enrollment.auditor), ("auditor.name", enrollment.auditorName),
                ("enrolled_at", enrollment.enrolledAt),
            ]
            for (name, value) in values { try settings.set(name, value) }
        }
    }

}
