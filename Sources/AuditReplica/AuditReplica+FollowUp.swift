import AuditDomain
import ReplicaStore

/// A finding of an earlier audit that a later audit's team follows up (SPEC §2.1).
public struct CarriedFinding: Equatable, Sendable {
    /// Its id in this audit.
    public let id: String
    /// The earlier audit's finding it follows up, `AUDIT/F-…`.
    public let origin: String
    public let grade: FindingGrade?
    public let status: FindingStatus
}

extension AuditReplica {
    /// The findings carried into `audit` from earlier audits, by id.
    public func carriedFindings(audit: String) throws -> [CarriedFinding] {
        typealias F = AuditSchema.FindingField
        return try snapshot(entity: AuditSchema.Entity.finding, in: KeyScope(audit)).values
            .filter(\.isPresent)
            .compactMap { finding in
                finding.text(F.carriedFrom).map { origin in
                    CarriedFinding(id: AuditSchema.member(ofKey: finding.key), origin: origin,
                                   grade: finding.text(F.grade).flatMap(FindingGrade.init(rawValue:)),
                                   status: finding.text(F.status).flatMap(FindingStatus.init(rawValue:)) ?? .open)
                }
            }
            .sorted { $0.id < $1.id }
    }
}
