import AuditDomain
import Foundation
import SQLiteKit

/// A declared conflict of interest: this person does not audit this client, nor decide on it.
public struct ConflictOfInterest: Equatable, Sendable {
    public let auditor: String
    public let client: String
    public let reason: String
    public let declaredAt: String
}

/// Competence and impartiality (SPEC §2.1): the standards each auditor is qualified for, and
/// conflicts of interest with clients (recent consultancy, employment). A person with a declared
/// conflict is never put on the client's audits and never decides on them.
extension Central {
    /// Records that `auditor` is qualified to audit against `standard`.
    public func qualify(auditor id: String, for standard: StandardID) throws {
        guard try auditor(id) != nil else { throw CentralError.unknownAuditor(id) }
        guard Catalog.standard(standard) != nil else { throw CentralError.invalidIdentifier(what: "standard", value: standard.rawValue) }
        let insert = try database.prepare("INSERT OR IGNORE INTO auditor_standards(auditor, standard) VALUES (?1, ?2)")
        insert.bind(1, id)
        insert.bind(2, standard.rawValue)
        try insert.run()
    }

    /// The standards `auditor` is qualified for, sorted.
    public func qualifications(of id: String) throws -> [StandardID] {
        let query = try database.prepare("SELECT standard FROM auditor_standards WHERE auditor = ?1 ORDER BY standard")
        query.bind(1, id)
        var standards: [StandardID] = []
        try query.forEachRow { standards.append(StandardID($0.text(0))) }
        return standards
    }

    /// Records a conflict of interest between `auditor` and `client`.
    public func declareConflict(auditor id: String, client: String, reason: String) throws {
        guard try auditor(id) != nil else { throw CentralError.unknownAuditor(id) }
        guard try self.client(client) != nil else { throw CentralError.unknownClient(client) }
        try Central.requireLine(reason, "reason for the conflict of interest")
        let insert = try database.prepare("""
            INSERT INTO conflicts_of_interest(auditor, client, reason) VALUES (?1, ?2, ?3)
            ON CONFLICT(auditor, client) DO UPDATE SET reason = excluded.reason
            """)
        insert.bind(1, id)
        insert.bind(2, client)
        insert.bind(3, reason)
        try insert.run()
    }

    /// The conflict `auditor` declared with `client`, if any.
    public func conflict(auditor id: String, client: String) throws -> ConflictOfInterest? {
        let query = try database.prepare("""
            SELECT reason, declared_at FROM conflicts_of_interest WHERE auditor = ?1 AND client = ?2
            """)
        query.bind(1, id)
        query.bind(2, client)
        defer { query.reset() }
        guard try query.step() else { return nil }
        return ConflictOfInterest(auditor: id, client: client, reason: query.text(0), declaredAt: query.text(1))
    }

    /// Refuses anyone of `people` with a declared conflict with `client`, naming the rule and whom.
    func requireImpartial(_ people: [String], client: String, as role: String) throws {
        for person in people {
            if let conflict = try conflict(auditor: person, client: client) {
                throw CentralError.conflictOfInterest(auditor: person, client: client, reason: conflict.reason, role: role)
            }
        }
    }
}
