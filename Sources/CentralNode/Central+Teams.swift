import AuditDomain
import AuditReplica
import ReplicaStore

/// A change to a planned audit's team (`central audit team`).
public enum TeamChange: Equatable, Sendable {
    /// Puts an auditor on the team.
    case add(String)
    /// Takes a member off the team; their laptop deletes the audit at its next sync.
    case remove(String)
    /// Makes a member, or an auditor not yet on the team, the lead; the old lead stays a member.
    case lead(String)
}

/// Teams change (SPEC §2.1): the central adds and removes auditors and changes the lead of an
/// audit that is still open. The change is a merge record of the plan's `lead` and `team`, so a
/// running `central serve` applies it at once: it reads plans from the database per session
/// (what a node may pull) and per pushed batch (whose records it takes).
extension Central {
    /// Changes the team of `audit` and returns the plan as it now stands. Refused for an audit
    /// that is decided or read-only, and for a team that would break a rule: every member known,
    /// without a conflict of interest with the client; a lead holding the lead role; competence.
    @discardableResult
    public func changeTeam(of audit: String, _ change: TeamChange) throws -> AuditPlan {
        // One write transaction from the checks to the write: a decision taken at the same
        // moment (which freezes the audit in its own) lands wholly before or after it.
        try database.transaction { try changeTeamInTransaction(of: audit, change) }
    }

    private func changeTeamInTransaction(of audit: String, _ change: TeamChange) throws -> AuditPlan {
        var plan = try replica.plan(of: audit)
        if let reason = plan.frozen { throw TeamError.frozen(audit: audit, reason: reason) }
        if let decision = try decisions(audit: audit).first {
            throw TeamError.decided(audit: audit, decision: "\(decision.granted ? "granted" : "refused") by \(decision.reviewer)")
        }
        switch change {
        case .add(let auditor):
            guard try self.auditor(auditor) != nil else { throw CentralError.unknownAuditor(auditor) }
            guard !plan.team.contains(auditor) else { throw TeamError.alreadyOnTeam(auditor: auditor, audit: audit) }
            try requireImpartial([auditor], client: plan.client, as: "on the audit team")
            plan.auditors.append(auditor)
        case .remove(let auditor):
            guard plan.team.contains(auditor) else { throw TeamError.notOnTeam(auditor: auditor, audit: audit) }
            guard plan.lead != auditor else { throw TeamError.removingLead(auditor: auditor, audit: audit) }
            plan.auditors.removeAll { $0 == auditor }
        case .lead(let auditor):
            guard let person = try self.auditor(auditor) else { throw CentralError.unknownAuditor(auditor) }
            guard plan.lead != auditor else { throw TeamError.alreadyLead(auditor: auditor, audit: audit) }
            guard person.has(.lead) else { throw CentralError.missingRole(auditor: auditor, role: "lead") }
            if !plan.team.contains(auditor) { try requireImpartial([auditor], client: plan.client, as: "on the audit team") }
            plan.auditors = plan.team.filter { $0 != auditor }
            plan.lead = auditor
        }
        try requireCompetent(lead: plan.lead, team: plan.team, standards: plan.standards)
        typealias F = AuditSchema.AuditField
        let entity = AuditSchema.Entity.audit
        // The plan's own write path: a team change is the central's, like creating the audit.
        var writes = [FieldWrite(entity, audit, F.team, .text(plan.team.joined(separator: "\n")))]
        if case .lead = change { writes.append(FieldWrite(entity, audit, F.lead, .text(plan.lead))) }
        try replica.writePlan(writes)
        return try replica.plan(of: audit)
    }
}
