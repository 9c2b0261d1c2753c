import AuditDomain
import ReplicaStore

extension AuditReplica {
    /// What stands between an audit and a grant (SPEC §2), one sentence each, in the order a
    /// reviewer checks them; empty when it may be granted. The certification decision itself is
    /// the central's; this reads the audit as this replica holds it.
    public func certificationGaps(audit: String) throws -> [String] {
        let plan = try plan(of: audit)
        var gaps: [String] = []
        // A surveillance grant confirms the certification continues (SPEC §2.1); a stage 1
        // prepares stage 2 and is never granted.
        if plan.kind == .stage1 {
            gaps.append("a stage1 audit does not lead to a decision to certify (stage2, surveillance, recertification or special do)")
        }
        let certified = Set(plan.standards.filter { Catalog.standard($0)?.certifiable == true })
        if certified.isEmpty { gaps.append("the audit has no certifiable standard") }
        // A surveillance audits a sample of the system, not every clause and control again.
        for standard in plan.standards where certified.contains(standard) && plan.kind != .surveillance {
            let open = try checklist(audit: audit).filter { $0.item.standard == standard && $0.result == .notAudited }
            if !open.isEmpty {
                let first = open.prefix(3).map(\.item.number).joined(separator: ", ")
                gaps.append("\(open.count) item\(open.count == 1 ? "" : "s") of \(standard.rawValue) have no result (\(first)\(open.count > 3 ? ", …" : ""))")
            }
        }
        typealias F = AuditSchema.FindingField
        let findings = try snapshot(entity: AuditSchema.Entity.finding, in: KeyScope(audit)).values
            .filter(\.isPresent).sorted { $0.key < $1.key }
        for finding in findings {
            guard let grade = finding.text(F.grade).flatMap(FindingGrade.init(rawValue:)),
                  let needed = grade.blocksCertificationUntil,
                  let status = finding.text(F.status).flatMap(FindingStatus.init(rawValue:)), status < needed
            else { continue }
            gaps.append("\(grade.rawValue) finding \(AuditSchema.member(ofKey: finding.key)) is \(status.rawValue); "
                        + "it must be \(needed == .closed ? "closed" : "at least accepted")")
        }
        let recommendation = try snapshot(entity: AuditSchema.Entity.audit, in: KeyScope(audit))[audit]?
            .text(AuditSchema.AuditField.recommendation)
        if recommendation != Recommendation.grant.rawValue {
            gaps.append(recommendation == nil ? "the lead auditor has not recorded a recommendation"
                                               : "the lead auditor recommends to \(recommendation!)")
        }
        return gaps
    }
}
