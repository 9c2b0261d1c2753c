import Crypto
import Foundation
import SQLiteKit
import WireProtocol

/// A token just issued, and what it is good for.
public struct IssuedEnrollment: Sendable {
    public let token: EnrollmentToken
    public let auditor: String
    /// ISO 8601, UTC: after this the token is refused.
    public let expiresAt: String
}

extension Central {
    /// How long a token stays good unless the operator says otherwise: long enough to reach an
    /// auditor by mail before a site visit, short enough that a forgotten one dies.
    public static let defaultEnrollmentHours = 72

    /// Issues a one-time enrollment token for `auditor`'s next field node. The token carries
    /// where field nodes reach this central (`host`, `port`), the central's static key, and a
    /// fresh secret of which only the hash is stored.
    public func issueEnrollment(auditor: String, host: String, port: UInt16,
                                validHours: Int = Central.defaultEnrollmentHours) throws -> IssuedEnrollment {
        guard try self.auditor(auditor) != nil else { throw CentralError.unknownAuditor(auditor) }
        guard (1...24 * 365).contains(validHours) else { throw CentralError.invalidValidity(validHours) }
        // The token must name a place a laptop can reach: no port 0 (a different free port at
        // every start), and a host that fits the token's 255 bytes whole.
        guard port != 0, !host.isEmpty, host.utf8.count <= 255 else {
            throw CentralError.unreachableEnrollmentAddress(host: host, port: port)
        }
        var secret = [UInt8](repeating: 0, count: EnrollRequest.secretLength)
        var generator = SystemRandomNumberGenerator()
        for index in secret.indices { secret[index] = generator.next() }
        let token = EnrollmentToken(host: host, port: port, centralKey: try staticKey().publicKey, secret: secret)
        let insert = try database.prepare("""
            INSERT INTO enrollments(secret_hash, auditor, expires_at)
            VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?3))
            RETURNING expires_at
            """)
        insert.bind(1, blob: Array(SHA256.hash(data: secret)))
        insert.bind(2, auditor)
        insert.bind(3, "+\(validHours) hours")
        defer { insert.reset() }
        guard try insert.step() else { throw CentralError.invalidValidity(validHours) }
        return IssuedEnrollment(token: token, auditor: auditor, expiresAt: insert.text(0))
    }

    /// Revokes a node: its connections are refused from now on, and a running server cuts the
    /// ones it holds (it watches the node table). Revoking twice keeps the first date.
    @discardableResult
    public func revokeNode(_ id: String, reason: String) throws -> RegisteredNode {
        try Central.requireLine(reason, "reason")
        return try database.transaction {
            guard let node = try NodeDirectory.nodes(in: database, where: "WHERE id = ?1", bind: { $0.bind(1, id) }).first else {
                throw CentralError.unknownNode(id)
            }
            guard node.revokedAt == nil else { return node }
            let update = try database.prepare("""
                UPDATE nodes SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), revoke_reason = ?2 WHERE id = ?1
                """)
            update.bind(1, id)
            update.bind(2, reason)
            try update.run()
            return try NodeDirectory.nodes(in: database, where: "WHERE id = ?1", bind: { $0.bind(1, id) })[0]
        }
    }
}
