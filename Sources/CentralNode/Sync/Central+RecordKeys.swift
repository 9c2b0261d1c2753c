import MergeCore
import RecordSeals
import SQLiteKit
import WireProtocol

extension Central {
    /// The key `node` seals its records with: the central's own, or the one a field node
    /// registered; nil for a node that registered none.
    public func recordKey(of node: NodeID) throws -> [UInt8]? {
        if node == self.node { return store.recordSigningKey?.publicKey }
        let query = try database.prepare("SELECT record_key FROM nodes WHERE id = ?1")
        query.bind(1, node.hex)
        defer { query.reset() }
        guard try query.step(), !query.isNull(0) else { return nil }
        return query.blob(0)
    }

    /// Registers the record key a node names at the start of a session. The first one is kept
    /// (the channel proved the node's Noise key, as enrollment did); a different one later is
    /// refused: records sealed with it would not be the node's as the central knows it.
    public func registerRecordKey(_ key: [UInt8], for node: NodeID) throws -> ChannelError? {
        if let known = try recordKey(of: node) {
            return known == key ? nil : ChannelError(.keyMismatch, "node \(node.hex) names another record key than the one "
                + "registered at its first sync; a laptop's record key never changes — ask the certification body")
        }
        let update = try database.prepare("UPDATE nodes SET record_key = ?2 WHERE id = ?1 AND record_key IS NULL")
        update.bind(1, node.hex)
        update.bind(2, blob: key)
        try update.run()
        return nil
    }

    /// The record keys a laptop of `auditor` verifies its pulls with: the central's, and those of
    /// every node enrolled for someone on the team of an audit it receives.
    func recordKeys(forTeamsOf audits: Set<String>) throws -> [PullStart.RecordKey] {
        var auditors: Set<String> = []
        for plan in try replica.audits() where audits.contains(plan.id) { auditors.formUnion(plan.team) }
        var keys = [PullStart.RecordKey(node: node.rawValue, key: store.recordSigningKey?.publicKey ?? [])]
        for entry in try nodes() where auditors.contains(entry.auditor) {
            guard let id = NodeID(hex: entry.id), let key = try recordKey(of: id) else { continue }
            keys.append(PullStart.RecordKey(node: id.rawValue, key: key))
        }
        return keys.filter { $0.key.count == 32 }
    }
}
