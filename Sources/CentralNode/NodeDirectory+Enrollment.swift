import Crypto
import SQLiteKit
import WireProtocol

/// What became of an `enroll`: the node is registered, or why not (sent to the node as code 11).
public enum EnrollmentOutcome: Equatable, Sendable {
    case enrolled(node: RegisteredNode, auditorName: String)
    case refused(String)
}

extension NodeDirectory {
    /// Redeems a token's secret for the node that proved `publicKey` and names itself `node`, in
    /// one transaction: register the key, mark the token used.
    ///
    /// Redeeming again with the same key and node id gives the same answer, so a field node
    /// whose `enrolled` was lost in a cut connection can simply run `field init` again. Any
    /// other second use is refused.
    public func redeem(secret: [UInt8], node: String, publicKey: [UInt8], deviceName: String) throws -> EnrollmentOutcome {
        try database.transaction {
            let query = try database.prepare("""
                SELECT e.auditor, e.expires_at, e.node, e.redeemed_at,
                       e.expires_at < strftime('%Y-%m-%dT%H:%M:%fZ','now'), a.name
                FROM enrollments e LEFT JOIN auditors a ON a.id = e.auditor
                WHERE e.secret_hash = ?1
                """)
            query.bind(1, blob: Array(SHA256.hash(data: secret)))
            defer { query.reset() }
            guard try query.step() else {
                return .refused("this enrollment token is not known here; ask the certification body for a new one")
            }
            let auditor = query.text(0), expiresAt = query.text(1), usedBy = query.optionalText(2)
            let usedAt = query.optionalText(3), expired = query.int(4) != 0, auditorName = query.optionalText(5)
            if let usedBy {
                if let earlier = try self.node(withID: usedBy), earlier.publicKey == publicKey, earlier.id == node {
                    if let revokedAt = earlier.revokedAt {
                        return .refused("node \(node) was revoked at \(revokedAt); it cannot enroll again")
                    }
                    return .enrolled(node: earlier, auditorName: auditorName ?? auditor)
                }
                return .refused("this enrollment token was already used at \(usedAt ?? "an earlier date") by node \(usedBy); "
                                + "ask the certification body for a new one")
            }
            if expired { return .refused("this enrollment token expired at \(expiresAt); ask the certification body for a new one") }
            guard let auditorName else { return .refused("auditor \(auditor) no longer exists at the central") }
            if let holder = try self.node(withKey: publicKey) {
                return .refused("this node's key is already enrolled as node \(holder.id)")
            }
            if let existing = try self.node(withID: node) {
                // A laptop that lost its key enrolls again under its node id with a new key: its
                // replica and unsent records stay valid. Only for the same auditor, never for a
                // revoked node; the old key is kept in `retired_node_keys`.
                guard existing.auditor == auditor else {
                    return .refused("node id \(node) belongs to auditor \(existing.auditor), and this token is for \(auditor); "
                                    + "start again with a fresh data directory")
                }
                if let revokedAt = existing.revokedAt {
                    return .refused("node \(node) was revoked at \(revokedAt); it cannot enroll again")
                }
                try NodeDirectory.replaceKey(in: database, node: node, publicKey: publicKey, retiring: existing.publicKey,
                                             deviceName: deviceName)
            } else {
                try NodeDirectory.insertNode(in: database, id: node, publicKey: publicKey, auditor: auditor, deviceName: deviceName)
            }
            let mark = try database.prepare("""
                UPDATE enrollments SET node = ?2, redeemed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE secret_hash = ?1
                """)
            mark.bind(1, blob: Array(SHA256.hash(data: secret)))
            mark.bind(2, node)
            try mark.run()
            return .enrolled(node: try self.node(withID: node)!, auditorName: auditorName)
        }
    }

    /// Gives an enrolled node a new key, keeping the old one on record.
    static func replaceKey(in database: Database, node: String, publicKey: [UInt8], retiring old: [UInt8],
                           deviceName: String) throws {
        let retire = try database.prepare("""
            INSERT INTO retired_node_keys(node, public_key, retired_at) VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            """)
        retire.bind(1, node)
        retire.bind(2, blob: old)
        try retire.run()
        let update = try database.prepare("UPDATE nodes SET public_key = ?2, device_name = ?3 WHERE id = ?1")
        update.bind(1, node)
        update.bind(2, blob: publicKey)
        update.bind(3, deviceName)
        try update.run()
    }

    /// Whether any connection (another process included) committed a change to the database
    /// since the last call: a cheap poll that tells the server when to re-check revocations.
    public func changedSinceLastCheck() throws -> Bool {
        let query = try database.prepare("PRAGMA data_version")
        defer { query.reset() }
        _ = try query.step()
        let version = query.int64(0)
        defer { lastDataVersion = version }
        return version != lastDataVersion
    }
}
