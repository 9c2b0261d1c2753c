import Foundation
import MergeCore
import RecordSeals
import SQLiteKit

/// A replica: the merge log and the materialised state of every field, in one SQLite file.
///
/// Every change — local or received — goes through `apply`, in one transaction per batch, so a
/// replica is always the deterministic function of the set of records it holds. The hybrid
/// logical clock is saved in the same transaction as the records it stamped.
///
/// Not thread-safe: one store belongs to one thread, like the connection inside it.
public final class ReplicaStore {
    public let database: Database
    public let node: NodeID
    public internal(set) var clock: HybridLogicalClock
    /// Wall time in milliseconds since the epoch; tests substitute a fake clock.
    public let now: () -> UInt64
    /// The key this node seals its own records with as it writes them (protocol/signatures.md);
    /// nil writes unsealed records (stores of tests and tools that never sync).
    public var recordSigningKey: RecordSigningKey?
    /// Whether `applySealed` checks hashes and signatures. Always true but in the benchmark's
    /// baseline (`auditsync-bench sync` measures what verifying costs).
    public var verifiesSeals = true

    let statements: Statements
    /// The log position the next appended record takes, valid inside a write transaction.
    var nextSequence: Int64 = 0
    /// Encoding buffers reused for every record applied: the hot path allocates nothing for them.
    var scratch = (value: ByteWriter(capacity: 256), index: ByteWriter(capacity: 256))

    /// Opens the replica at `path`, creating it when `create` is set. `migrations` are extra
    /// schema steps of the node that owns the file (the central's programme tables, say),
    /// applied after the replica's own.
    public init(path: String, create: Bool = false, migrations: [Migrator.Migration] = [],
                maxSkewMilliseconds: UInt64 = HybridLogicalClock.defaultMaxSkewMilliseconds,
                databaseOptions: Database.Options = Database.Options(),
                now: @escaping () -> UInt64 = ReplicaStore.wallClockMilliseconds) throws {
        if !create && !FileManager.default.fileExists(atPath: path) { throw ReplicaError.missing(path: path) }
        var options = databaseOptions
        options.create = create
        // Look before changing anything: a file that is not a replica is left exactly as it was.
        options.durableWAL = false
        do {
            database = try Database(path: path, options: options)
            if !create, try !ReplicaStore.hasReplicaSchema(database) { throw ReplicaError.notAReplica(path: path) }
            if databaseOptions.durableWAL { try database.enableDurableWAL() }
            try Migrator(ReplicaSchema.migrations + migrations).migrate(database)
            let identity = try ReplicaStore.loadIdentity(database)
            node = identity.node
            clock = HybridLogicalClock(node: identity.node, last: identity.clock, maxSkewMilliseconds: maxSkewMilliseconds)
            statements = try Statements(database)
        } catch let error as SQLiteError {
            throw ReplicaError.wrap(error, path: path)
        }
        self.now = now
    }

    public static func wallClockMilliseconds() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    }

    private static func hasReplicaSchema(_ database: Database) throws -> Bool {
        let statement = try database.prepare("SELECT count(*) FROM sqlite_schema WHERE name IN ('merge_log', 'field_state')")
        defer { statement.reset() }
        _ = try statement.step()
        return statement.int(0) == 2
    }

    /// The node id is drawn once, when the file is created; the clock resumes where it stopped.
    private static func loadIdentity(_ database: Database) throws -> (node: NodeID, clock: Timestamp?) {
        let read = try database.prepare("SELECT value FROM replica_meta WHERE name = ?")
        func value(_ name: String) throws -> Int64? {
            read.bind(1, name)
            defer { read.reset() }
            return try read.step() ? read.int64(0) : nil
        }
        let node: NodeID
        if let stored = try value("node") {
            node = NodeID(rawValue: UInt64(bitPattern: stored))
        } else {
            node = NodeID.random()
            let insert = try database.prepare("INSERT INTO replica_meta(name, value) VALUES ('node', ?)")
            insert.bind(1, Int64(bitPattern: node.rawValue))
            try insert.run()
        }
        let clock = try value("clock").map { Timestamp(packedClock: $0, node: node) }
        return (node, clock)
    }

    /// Saves the clock inside the current transaction.
    func persistClock() throws {
        statements.saveClock.bind(1, clock.last.packedClock)
        try statements.saveClock.run()
    }

    /// Remembers, inside a write transaction, where this node's own newest record sits in the
    /// log: a sync that finds nothing of its own past its push position skips the scan.
    func persistLastLocalSequence() throws {
        let save = try cachedStatement("""
            INSERT INTO replica_meta(name, value) VALUES ('local_seq', ?1)
            ON CONFLICT(name) DO UPDATE SET value = excluded.value
            """)
        save.bind(1, nextSequence - 1)
        try save.run()
    }

    /// The log position of this node's newest own record (written with `write`), 0 before any.
    public func lastLocalSequence() throws -> Int64 {
        let query = try cachedStatement("SELECT value FROM replica_meta WHERE name = 'local_seq'")
        defer { query.reset() }
        return try query.step() ? query.int64(0) : 0
    }

    /// The log position of the newest record, or of the newest a `forget` deleted if that is later.
    public func lastSequence() throws -> Int64 {
        let query = statements.lastSequence
        defer { query.reset() }
        _ = try query.step()
        return query.int64(0)
    }

    /// Stamps a local write.
    func tick(after floor: Timestamp? = nil) -> Timestamp { clock.tick(now: now(), after: floor) }

    func observe(_ stamp: Timestamp) throws {
        try clock.observe(stamp, now: now())
    }
}
