import AuditDomain
import MergeCore
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

extension AuditReplica {
    /// Follow-up for a newly planned audit (the central's, SPEC §2.1): its earlier audits take no
    /// more writes, and their findings short of `closed` are carried into it, each once — a
    /// finding already carried into a later audit is followed there. Returns how many it carried.
    @discardableResult
    public func followUp(_ plan: AuditPlan) throws -> Int {
        typealias F = AuditSchema.FindingField
        let finding = AuditSchema.Entity.finding
        var carriedOnward: Set<String> = []
        var candidates: [(origin: String, fields: [String: FieldState])] = []
        for audit in plan.earlier {
            let earlier = try self.plan(of: audit)
            if earlier.frozen == nil {
                try writePlan([FieldWrite(AuditSchema.Entity.audit, audit, AuditSchema.AuditField.frozen,
                                          .text("followed up by \(plan.id) (\(plan.kind.rawValue))"))])
            }
            for member in try snapshot(entity: finding, in: KeyScope(audit)).values {
                if let origin = member.text(F.carriedFrom) { carriedOnward.insert(origin) }
                guard member.isPresent, member.text(F.status) != FindingStatus.closed.rawValue else { continue }
                candidates.append((member.key, member.fields))
            }
        }
        let copied = [F.item, F.grade, F.statement, F.status, F.response, F.acceptanceNote, F.verificationNote, F.note, F.raisedBy]
        var carried = 0
        for (origin, fields) in candidates.sorted(by: { $0.origin < $1.origin }) where !carriedOnward.contains(origin) {
            let key = AuditSchema.memberKey(audit: plan.id, member: MemberID.make(prefix: "F"))
            var writes = [FieldWrite(finding, key, AuditSchema.present, .bool(true)),
                          FieldWrite(finding, key, F.carriedFrom, .text(origin))]
            for field in copied { if let value = fields[field]?.value, value != .null { writes.append(FieldWrite(finding, key, field, value)) } }
            try writePlan(writes)
            carried += 1
        }
        return carried
    }
}
