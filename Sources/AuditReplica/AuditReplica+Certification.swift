import AuditDomain
import ReplicaStore

extension AuditReplica {
    /// What stands between an audit and a grant (SPEC §2, §2.1), one sentence each, in the order a
    /// reviewer checks them; empty when it may be granted. The certification decision itself is
    /// the central's; this reads the audit as this replica holds it, whoever wrote its records —
    /// so each rule holds here even for records a laptop's own checks never saw.
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
        gaps += try conflictGaps(audit: audit)

        typealias F = AuditSchema.FindingField
        let findings = try snapshot(entity: AuditSchema.Entity.finding, in: KeyScope(audit)).values
            .filter(\.isPresent).sorted { $0.key < $1.key }
        gaps += resultGaps(try checklist(audit: audit), findingItems: Set(findings.compactMap { $0.text(F.item) }))
        for finding in findings {
            guard let grade = finding.text(F.grade).flatMap(FindingGrade.init(rawValue:)),
                  let needed = grade.blocksCertificationUntil,
                  let status = finding.text(F.status).flatMap(FindingStatus.init(rawValue:)), status < needed
            else { continue }
            let carried = finding.text(F.carriedFrom).map { " (carried from \($0))" } ?? ""
            gaps.append("\(grade.rawValue) finding \(AuditSchema.member(ofKey: finding.key))\(carried) is \(status.rawValue); "
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

    /// A grant rests on one record: a field with concurrent values says two things at once, and
    /// the decision would rest on whichever the merge happened to keep.
    private func conflictGaps(audit: String) throws -> [String] {
        let conflicts = try conflicts(audit: audit)
        guard !conflicts.isEmpty else { return [] }
        var subjects: [String] = []
        var fields: [String: [String]] = [:]
        for conflict in conflicts {
            let subject = "\(conflict.entity == AuditSchema.Entity.item ? "checklist item" : conflict.entity) \(conflict.member)"
            if fields[subject] == nil { subjects.append(subject) }
            fields[subject, default: []].append(conflict.field)
        }
        let named = subjects.map { "\($0): \(fields[$0]!.joined(separator: ", "))" }
        return ["\(count(conflicts.count, "unresolved conflict")) (\(listed(named))): "
                + "the team resolves each by recording the field again, then syncs"]
    }

    /// Results that a grant cannot rest on whoever recorded them: a nonconformity nobody raised a
    /// finding for (nothing to correct, nothing to follow up), and an exclusion of an item the
    /// standard makes mandatory. Laptops refuse the second at entry; records from elsewhere
    /// (an older laptop, a peer) are judged here all the same.
    private func resultGaps(_ checklist: [ChecklistLine], findingItems: Set<String>) -> [String] {
        var gaps: [String] = []
        for line in checklist where line.result == .nonconform && !findingItems.contains(line.item.description) {
            gaps.append("\(line.item) is nonconform but has no finding; raise one on it (`field finding add --item \(line.item)`) "
                        + "or record the item again")
        }
        for line in checklist where line.result == .notApplicable && !line.item.isExcludable {
            let standard = Catalog.standard(line.item.standard)?.designation ?? line.item.standard.rawValue
            gaps.append("\(line.item) is not-applicable, but \(standard) does not let a client exclude it; "
                        + "it needs conform, or nonconform with a finding")
        }
        return gaps
    }

    private func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    /// The first three, and an ellipsis when there are more.
    private func listed(_ names: [String]) -> String {
        names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
    }
}
