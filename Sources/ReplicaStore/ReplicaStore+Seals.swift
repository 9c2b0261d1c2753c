import MergeCore
import RecordSeals
import SQLiteKit

/// A run of one node's records of one audit with the seal that covers it: the unit records travel
/// in (protocol/signatures.md). A withheld run carries its seal and no records: the central
/// refused them and says why, and the chain still continues past them.
public struct SealedRun: Equatable, Sendable {
    public let seal: Seal
    public let records: [MergeRecord]
    /// Why the records are not here (a central's refusal), for a run that carries none.
    public let withheld: String?
    /// Where its records lie in the log of the replica that read it (`sealedRuns`); for a
    /// withheld run, the log position it was recorded at.
    public var firstSequence: Int64?

    /// The last log position it reaches in the replica that read it.
    public var lastSequence: Int64? { firstSequence.map { $0 + Int64(max(records.count, 1)) - 1 } }

    public init(seal: Seal, records: [MergeRecord], withheld: String? = nil) {
        self.seal = seal
        self.records = records
        self.withheld = withheld
    }

    /// The log positions of its records in the replica that read it.
    public var sequences: [Int64] {
        firstSequence.map { Array($0..<($0 + Int64(records.count))) } ?? []
    }
}

/// A run a replica did not take, and why.
public struct RunRejection: Equatable, Sendable {
    public let seal: Seal
    public let reason: String
    /// Fine but stamped too far ahead of this replica's clock: the same run will be taken later.
    public var retryLater = false
}

extension ReplicaStore {
    /// The verified state of `node`'s chain in `scope` (nothing yet: count 0 and the genesis head).
    public func chain(node: NodeID, scope: String) throws -> RecordChain {
        let query = try cachedStatement("SELECT count, head FROM chains WHERE node = ?1 AND scope = ?2")
        query.bind(1, Int64(bitPattern: node.rawValue))
        query.bind(2, scope)
        defer { query.reset() }
        guard try query.step() else { return RecordChain(node: node, scope: scope) }
        return RecordChain(node: node, scope: scope, count: UInt64(query.int64(0)), head: query.blob(1))
    }

    func saveChain(_ chain: RecordChain) throws {
        let save = try cachedStatement("""
            INSERT INTO chains(node, scope, count, head) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT(node, scope) DO UPDATE SET count = excluded.count, head = excluded.head
            """)
        save.bind(1, Int64(bitPattern: chain.node.rawValue))
        save.bind(2, chain.scope)
        save.bind(3, Int64(chain.count))
        save.bind(4, blob: chain.head)
        try save.run()
    }

    func storeSeal(_ seal: Seal, from: Int64?, through: Int64?, withheld: String? = nil) throws {
        let insert = try cachedStatement("""
            INSERT INTO seals(from_seq, through_seq, node, scope, first, seal, withheld) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        if let from { insert.bind(1, from) } else { insert.bindNull(1) }
        if let through { insert.bind(2, through) } else { insert.bindNull(2) }
        insert.bind(3, Int64(bitPattern: seal.node.rawValue))
        insert.bind(4, seal.scope)
        insert.bind(5, Int64(seal.first))
        insert.bind(6, blob: seal.encoded())
        insert.bind(7, withheld)
        try insert.run()
    }

    /// Records a writer seals together at most. A run travels whole, so a connection cut in the
    /// middle of one costs the run: runs of 256 typical records fit one 16 KiB `records`
    /// message or two, and a signature per 256 records costs little to check.
    public static let sealedRunLength = 256

    /// Seals what this node just wrote (inside the write's transaction): one run per at most
    /// `sealedRunLength` records, all of one audit, which occupy the log from `firstSequence`.
    func sealOwn(_ records: [MergeRecord], firstSequence: Int64, with key: RecordSigningKey) throws {
        // `write` put each audit's records together: seal audit by audit.
        var sequence = firstSequence
        var start = records.startIndex
        while start < records.endIndex {
            let scope = KeyScope.scope(ofKey: records[start].key)
            let end = records[start...].firstIndex { KeyScope.scope(ofKey: $0.key) != scope } ?? records.endIndex
            try sealOwn(scope: scope, Array(records[start..<end]), firstSequence: sequence, with: key)
            sequence += Int64(end - start)
            start = end
        }
    }

    private func sealOwn(scope: String, _ records: [MergeRecord], firstSequence: Int64, with key: RecordSigningKey) throws {
        var chain = try self.chain(node: node, scope: scope)
        var sequence = firstSequence
        for start in stride(from: 0, to: records.count, by: Self.sealedRunLength) {
            let run = records[start..<min(start + Self.sealedRunLength, records.count)]
            let before = chain
            for record in run { chain.append(record) }
            try storeSeal(try key.seal(from: before, to: chain), from: sequence, through: sequence + Int64(run.count) - 1)
            sequence += Int64(run.count)
        }
        try saveChain(chain)
    }
}

extension KeyScope {
    /// The audit a key belongs to: the part before its first `/` (a chain's scope).
    public static func scope(ofKey key: String) -> String {
        key.firstIndex(of: "/").map { String(key[..<$0]) } ?? key
    }
}

extension ReplicaStore {
    /// The sealed runs `rows` belong to, whole, in log order: a run only partly in `rows` is
    /// completed from the log, so a page of the log never cuts one. `rows` are log rows in order;
    /// a row no seal covers (written before records were sealed, or by a store without a key)
    /// cannot travel and is left out, its position in `unsealed`.
    public func sealedRuns(_ rows: [(sequence: Int64, record: MergeRecord)]) throws -> (runs: [SealedRun], through: Int64?, unsealed: [Int64]) {
        var runs: [SealedRun] = []
        var unsealed: [Int64] = []
        var through: Int64?
        var index = 0
        let byPosition = Dictionary(uniqueKeysWithValues: rows.map { ($0.sequence, $0.record) })
        while index < rows.count {
            let sequence = rows[index].sequence
            guard let (from, last, seal) = try sealCovering(sequence) else {
                unsealed.append(sequence)
                through = max(through ?? sequence, sequence)
                index += 1
                continue
            }
            var records: [MergeRecord] = []
            for position in from...last {
                if let record = byPosition[position] { records.append(record) } else { records.append(try loggedRecord(sequence: position)) }
            }
            var run = SealedRun(seal: seal, records: records)
            run.firstSequence = from
            runs.append(run)
            through = max(through ?? last, last)
            while index < rows.count, rows[index].sequence <= last { index += 1 }
        }
        return (runs, through, unsealed)
    }

    /// Where the run holding log position `sequence` ends, if a seal covers it.
    public func runEnd(containing sequence: Int64) throws -> Int64? {
        try sealCovering(sequence)?.through
    }

    private func sealCovering(_ sequence: Int64) throws -> (from: Int64, through: Int64, seal: Seal)? {
        let query = try cachedStatement("""
            SELECT from_seq, through_seq, seal FROM seals WHERE from_seq IS NOT NULL AND from_seq <= ?1 ORDER BY from_seq DESC LIMIT 1
            """)
        query.bind(1, sequence)
        defer { query.reset() }
        guard try query.step(), query.int64(1) >= sequence else { return nil }
        return (query.int64(0), query.int64(1), try Seal(decoding: query.blob(2)))
    }

    /// Checks every run held in the log against its seal and chain, from the first: what a
    /// damaged disk or a hand-edited file changed, in words (empty when everything verifies).
    /// `publicKey` gives the registered key of each node (this node's own included).
    public func verifyHeldRuns(publicKey: (NodeID) -> [UInt8]?, reportUnknownKeys: Bool = true) throws -> [String] {
        let query = try database.prepare("SELECT from_seq, through_seq, seal, withheld FROM seals ORDER BY id")
        var held: [(from: Int64?, through: Int64?, seal: Seal, withheld: Bool)] = []
        try query.forEachRow { row in
            held.append((row.isNull(0) ? nil : row.int64(0), row.isNull(1) ? nil : row.int64(1), try Seal(decoding: row.blob(2)),
                         !row.isNull(3)))
        }
        var chains: [String: RecordChain] = [:]
        var problems: [String] = []
        for (from, through, seal, withheld) in held {
            let key = "\(seal.node.rawValue)/\(seal.scope)"
            let chain = chains[key] ?? RecordChain(node: seal.node, scope: seal.scope)
            guard let publicKey = publicKey(seal.node) else {
                if reportUnknownKeys {
                    problems.append("node \(seal.node.hex) has no registered record key; its records in \(seal.scope) cannot be checked")
                }
                chains[key] = RecordChain(node: seal.node, scope: seal.scope, count: seal.last, head: seal.head)
                continue
            }
            if withheld || from == nil {
                if !seal.verifiesSignature(publicKey: publicKey) { problems.append("the seal of a withheld run of node \(seal.node.hex) does not verify") }
                chains[key] = RecordChain(node: seal.node, scope: seal.scope, count: seal.last, head: seal.head)
                continue
            }
            let records = try (from!...through!).map { try loggedRecord(sequence: $0).encoded() }
            do {
                chains[key] = try seal.verify(records: records, continuing: chain, publicKey: publicKey)
            } catch {
                problems.append("log positions \(from!)–\(through!): \(error)")
                chains[key] = RecordChain(node: seal.node, scope: seal.scope, count: seal.last, head: seal.head)
            }
        }
        return problems
    }
}

extension ReplicaStore {
    /// Which of this node's own `runs` (as `sealedRuns` read them) hold records that are not what
    /// it sealed when it wrote them — a disk or a hand that changed them since — in words.
    public func alteredRecords(in runs: [SealedRun]) -> [String] {
        guard let key = recordSigningKey else { return [] }
        var problems: [String] = []
        for run in runs where run.seal.node == node {
            do {
                try run.seal.verifyAlone(records: run.records.map { $0.encoded() }, publicKey: key.publicKey)
            } catch {
                problems.append("\(error)")
            }
        }
        return problems
    }
}

extension ReplicaStore {
    /// Seals again this node's own runs from the first one holding a position of `sequences`
    /// (records it re-stamped after its clock ran ahead: their bytes changed), each over the same
    /// log positions, continuing the chain from before them. Only records no one took are ever
    /// re-stamped, so no other replica holds the seals replaced (inside the re-stamp's transaction).
    func resealOwn(after sequences: [Int64]) throws {
        guard let key = recordSigningKey, let earliest = sequences.min() else { return }
        let query = try database.prepare("""
            SELECT id, from_seq, through_seq, scope, seal FROM seals
            WHERE node = ?1 AND from_seq IS NOT NULL AND through_seq >= ?2 ORDER BY from_seq
            """)
        query.bind(1, Int64(bitPattern: node.rawValue))
        query.bind(2, earliest)
        var runs: [(id: Int64, from: Int64, through: Int64, seal: Seal)] = []
        try query.forEachRow { row in runs.append((row.int64(0), row.int64(1), row.int64(2), try Seal(decoding: row.blob(4)))) }
        var chains: [String: RecordChain] = [:]
        for run in runs {
            let scope = run.seal.scope
            var chain = chains[scope] ?? RecordChain(node: node, scope: scope, count: run.seal.first - 1, head: run.seal.previous)
            let before = chain
            for position in run.from...run.through { chain.append(try loggedRecord(sequence: position)) }
            let seal = try key.seal(from: before, to: chain)
            let update = try cachedStatement("UPDATE seals SET seal = ?2 WHERE id = ?1")
            update.bind(1, run.id)
            update.bind(2, blob: seal.encoded())
            try update.run()
            chains[scope] = chain
        }
        for chain in chains.values { try saveChain(chain) }
    }
}

extension ReplicaStore {
    /// The last log position of the run `seal` covers, as this replica holds it.
    public func runEnd(of seal: Seal) throws -> Int64? {
        let query = try cachedStatement("SELECT through_seq FROM seals WHERE node = ?1 AND scope = ?2 AND first = ?3")
        query.bind(1, Int64(bitPattern: seal.node.rawValue))
        query.bind(2, seal.scope)
        query.bind(3, Int64(seal.first))
        defer { query.reset() }
        guard try query.step(), !query.isNull(0) else { return nil }
        return query.int64(0)
    }
}

extension ReplicaStore {
    /// Withheld runs (seals without their records, with why) recorded at log positions after
    /// `sequence` through `through`, in order, each with that position: a sender passes them on in
    /// chain order, so a receiver's chain continues past them.
    public func withheldRuns(after sequence: Int64, through: Int64) throws -> [(position: Int64, run: SealedRun)] {
        let query = try cachedStatement("""
            SELECT through_seq, seal, withheld FROM seals WHERE from_seq IS NULL AND through_seq > ?1 AND through_seq <= ?2 ORDER BY id
            """)
        query.bind(1, sequence)
        query.bind(2, through)
        var runs: [(Int64, SealedRun)] = []
        try query.forEachRow { row in
            var run = SealedRun(seal: try Seal(decoding: row.blob(1)), records: [], withheld: row.optionalText(2) ?? "withheld")
            run.firstSequence = row.int64(0)
            runs.append((row.int64(0), run))
        }
        return runs
    }
}
