import AuditDomain
import CentralNode
import Dispatch
import FieldNode
import Foundation
import MergeCore
import NoiseProtocol
import ReplicaStore
import SQLiteKit
import Transport
import WireProtocol

/// `field sync` at scale, over real loopback TCP and the full encrypted protocol, with the
/// central served from its own loop: the initial download of N records into a fresh field
/// node, then an incremental sync of 10 new records — at N and at a small replica, to show the
/// incremental cost does not grow with the replica. The limit, measured in the same run: the same
/// N rows inserted raw into a plain SQLite table with the same durability.
struct SyncBenchmark {
    let records: Int
    let directory: URL
    static let smallRecords = 10_000

    struct Result {
        var records = 0
        var initialSeconds = 0.0
        /// The same initial sync into a laptop that takes the seals on trust: what verifying costs.
        var unverifiedInitialSeconds = 0.0
        var received = 0
        var rawSeconds = 0.0
        var incrementalSeconds = 0.0
        var smallIncrementalSeconds = 0.0
        var peakRSSBytes = 0
    }

    func run() throws -> Result {
        var result = Result()
        result.records = records
        let large = try Deployment(directory: directory.appendingPathComponent("large"), records: records)
        defer { large.stop() }
        result.rawSeconds = try ProcessStats.wallSeconds { try insertRaw(into: directory.appendingPathComponent("raw.sqlite")) }
        result.initialSeconds = try ProcessStats.wallSeconds { result.received = try large.sync().received }
        do {
            let baseline = try Deployment(directory: directory.appendingPathComponent("unverified"), records: records)
            defer { baseline.stop() }
            baseline.field.store.verifiesSeals = false
            result.unverifiedInitialSeconds = try ProcessStats.wallSeconds { _ = try baseline.sync() }
        }
        try large.addNotes(10, tag: "inc")
        result.incrementalSeconds = try ProcessStats.wallSeconds { _ = try large.sync() }
        result.peakRSSBytes = ProcessStats.peakResidentBytes()

        let small = try Deployment(directory: directory.appendingPathComponent("small"), records: Self.smallRecords)
        defer { small.stop() }
        _ = try small.sync()
        try small.addNotes(10, tag: "inc")
        result.smallIncrementalSeconds = try ProcessStats.wallSeconds { _ = try small.sync() }
        return result
    }

    /// The same rows the central holds, inserted raw: the floor for storing them.
    private func insertRaw(into file: URL) throws {
        let database = try Database(path: file.path)
        try database.execute("""
            CREATE TABLE raw (entity TEXT NOT NULL, key TEXT NOT NULL, field TEXT NOT NULL, value BLOB NOT NULL,
                              PRIMARY KEY (entity, key, field))
            """)
        let insert = try database.prepare("INSERT INTO raw(entity, key, field, value) VALUES (?1, ?2, ?3, ?4)")
        try database.transaction {
            for index in 0..<records {
                insert.bind(1, "note")
                insert.bind(2, Deployment.noteKey(index, tag: "n"))
                insert.bind(3, "text")
                insert.bind(4, blob: MergeValue.text(Deployment.noteText(index)).encoded())
                try insert.run()
            }
        }
    }
}

/// A central with one audit of N notes, serving on loopback, and one enrolled field node.
private final class Deployment {
    static let audit = "A-2026-0001"
    let central: Central
    let field: FieldNode
    private let served: ServedCentral

    init(directory: URL, records: Int) throws {
        central = try Central.initialize(at: directory.appendingPathComponent("central"), name: "Bench Body",
                                         listen: try ListenAddress(parsing: "127.0.0.1:0"))
        try central.addAuditor(id: "alice", name: "Alice", roles: [.lead])
        try central.qualify(auditor: "alice", for: StandardID("iso42001:2023"))
        let client = try central.addClient(name: "Acme", sites: ["Dublin"])
        let audit = try central.createAudit(client: client, standards: [StandardID("iso42001:2023")], kind: .stage2,
                                            scope: "AI", lead: "alice", auditors: [])
        precondition(audit == Self.audit, "the bench's central numbers its first audit \(Self.audit)")
        var written = 0
        while written < records {
            let count = min(10_000, records - written)
            try central.store.write((written..<written + count).map {
                FieldWrite("note", Self.noteKey($0, tag: "n"), "text", .text(Self.noteText($0)))
            })
            written += count
        }

        served = try ServedCentral(central: central)
        field = try FieldNode(at: directory.appendingPathComponent("field"), create: true)
        let (node, key) = try field.prepareEnrollment()
        try central.registerNode(id: node.hex, publicKey: key.publicKey, auditor: "alice")
        try field.recordEnrollment(EnrollGrant(auditor: "alice", auditorName: "Alice", centralName: "Bench Body"),
                                   token: served.token)
    }

    func sync() throws -> SyncSummary {
        try field.sync(on: served.clientLoop)
    }

    func addNotes(_ count: Int, tag: String) throws {
        try central.store.write((0..<count).map { FieldWrite("note", Self.noteKey($0, tag: tag), "text", .text(Self.noteText($0))) })
    }

    func stop() {
        served.stop()
    }

    static func noteKey(_ index: Int, tag: String) -> String { "\(audit)/N-\(tag)-\(index)" }
    static func noteText(_ index: Int) -> String { "observation \(index): interview notes on the AI risk process" }
}

/// A central served from its own loop on a free loopback port, with a loop for field nodes and
/// the token they would have enrolled with.
final class ServedCentral {
    let serverLoop = EventLoop(name: "bench-central")
    let clientLoop = EventLoop(name: "bench-field")
    let token: EnrollmentToken
    private let server: SecureServer

    init(central: Central) throws {
        let handler = CentralServer(central: try Central(opening: central.directory),
                                    nodes: try NodeDirectory(centralDirectory: central.directory),
                                    centralName: try central.name, log: { _ in })
        var configuration = SecureServer.Configuration(
            host: "127.0.0.1", port: 0, staticKey: try central.staticKey(),
            hello: Hello(versions: ProtocolVersion.supported, node: central.node.rawValue, role: .central, name: try central.name))
        configuration.maxConnections = 4096
        // As `central serve` runs it (AUDITSYNC_BENCH_HIGH_WATER overrides, for comparisons).
        configuration.limits.writeHighWaterMark = ProcessInfo.processInfo.environment["AUDITSYNC_BENCH_HIGH_WATER"]
            .flatMap(Int.init) ?? CentralServer.writeHighWaterMark
        configuration.limits.unsentSocketBytes = ProcessInfo.processInfo.environment["AUDITSYNC_BENCH_UNSENT"]
            .flatMap(Int.init) ?? CentralServer.unsentSocketBytes
        let (server, address) = try blockingWait { [serverLoop, configuration] in
            try await SecureServer.start(on: serverLoop, configuration: configuration, handler: handler, log: { _ in })
        }
        self.server = server
        token = EnrollmentToken(host: "127.0.0.1", port: UInt16(address.split(separator: ":").last!)!,
                                centralKey: try central.staticKey().publicKey, secret: [UInt8](repeating: 0, count: 32))
    }

    func stop() {
        let server = server
        _ = try? blockingWait { await server.stop() }
        clientLoop.shutdown()
        serverLoop.shutdown()
    }
}
