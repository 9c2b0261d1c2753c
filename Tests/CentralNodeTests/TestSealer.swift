import MergeCore
import ReplicaStore
import RecordSeals
import WireProtocol

@testable import CentralNode

/// Seals records the way field nodes do, for tests that push to a central without a laptop:
/// each node gets a record key (registered at the central with the node, unless `enrolled` is
/// false) and each record its own run, so a refusal's index is the record's. The same record
/// always gets the same run, so a batch sent again is the same batch.
final class TestSealer {
    private let central: Central
    private var keys: [NodeID: RecordSigningKey] = [:]
    private var chains: [String: RecordChain] = [:]
    private var runs: [MergeRecord: RunPayload] = [:]

    init(central: Central) {
        self.central = central
    }

    /// One sealer per central, for helpers that push without holding one.
    nonisolated(unsafe) private static var sealers: [ObjectIdentifier: TestSealer] = [:]

    static func shared(for central: Central) -> TestSealer {
        if let known = sealers[ObjectIdentifier(central)] { return known }
        let sealer = TestSealer(central: central)
        sealers[ObjectIdentifier(central)] = sealer
        return sealer
    }

    /// What a batch entry is: a record to seal, or bytes that are no record at all.
    enum Entry {
        case record(MergeRecord)
        case garbage([UInt8])
    }

    func key(for node: NodeID, auditor: String = "alice", enrolled: Bool = true) throws -> RecordSigningKey {
        if let key = keys[node] { return key }
        let key = RecordSigningKey.generate()
        keys[node] = key
        if enrolled && node != central.node {
            if try central.directoryNode(node.hex) == nil {
                try central.registerNode(id: node.hex, publicKey: (0..<32).map { _ in UInt8.random(in: 0...255) }, auditor: auditor)
            }
            _ = try central.registerRecordKey(key.publicKey, for: node)
        }
        return key
    }

    func run(_ record: MergeRecord, auditor: String = "alice", enrolled: Bool = true) throws -> RunPayload {
        if let known = runs[record] { return known }
        let key = try key(for: record.origin, auditor: auditor, enrolled: enrolled)
        let scope = KeyScope.scope(ofKey: record.key)
        let id = "\(record.origin.rawValue)/\(scope)"
        let before = chains[id] ?? RecordChain(node: record.origin, scope: scope)
        var after = before
        after.append(record)
        chains[id] = after
        let run = RunPayload(seal: try key.seal(from: before, to: after).encoded(), records: [record.encoded()])
        runs[record] = run
        return run
    }

    func batch(through: UInt64, _ entries: [Entry], auditor: String = "alice") throws -> RecordBatch {
        RecordBatch(through: through, runs: try entries.map { entry in
            switch entry {
            case .record(let record): try run(record, auditor: auditor)
            case .garbage(let bytes): RunPayload(seal: [0x01], records: [bytes])
            }
        })
    }

    func batch(through: UInt64, records: [MergeRecord], auditor: String = "alice") throws -> RecordBatch {
        try batch(through: through, records.map(Entry.record), auditor: auditor)
    }
}

extension Central {
    /// `node(withID:)`, named apart from the `node` property for the closure above.
    func directoryNode(_ id: String) throws -> RegisteredNode? { try nodes().first { $0.id == id } }
}
