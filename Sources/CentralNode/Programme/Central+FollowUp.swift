import AuditDomain
import AuditReplica
import Certificates

/// Where a new audit stands in its certification's programme (SPEC §2.1).
struct ProgrammePlacement {
    /// The certificate it names; nil for an initial audit.
    var certificate: String?
    /// The audits before it in the same certification, oldest first.
    var earlier: [String]
}

extension Central {
    /// Places a planned audit in its client's programme, or refuses it with the rule it breaks:
    /// an initial audit (stage 1, stage 2) names no certificate, every later audit names one of
    /// the same client, and the audits before it are decided (a stage 1 needs no decision).
    func placement(client: String, kind: AuditKind, standards: [StandardID], certificate: String?) throws -> ProgrammePlacement {
        let audits = try replica.audits()
        switch kind {
        case .stage1, .stage2:
            if let certificate {
                throw CentralError.programme("a \(kind.rawValue) audit starts a certification and names no certificate; "
                    + "audits of certificate \(certificate) are surveillance, recertification or special")
            }
            // One valid certificate per certification: a client certified for a standard is
            // audited again under that certificate, never certified for it a second time.
            let wanted = Set(standards.filter { Catalog.standard($0)?.certifiable == true }.map(\.rawValue))
            for held in try certificates() where try clientOf(certificate: held.data.number) == client {
                let status = held.status(today: today)
                let overlap = wanted.intersection(held.data.standards.map(\.id))
                guard status == .active || status == .suspended, !overlap.isEmpty else { continue }
                throw CentralError.programme("client \(client) already holds certificate \(held.data.number) (\(status.rawValue)) for "
                    + "\(overlap.sorted().joined(separator: ", ")); plan a surveillance, recertification or special audit with "
                    + "--certificate \(held.data.number)")
            }
            guard kind == .stage2 else { return ProgrammePlacement(certificate: nil, earlier: []) }
            // The client's latest stage 1 for these standards that no stage 2 follows yet.
            let followed = Set(audits.filter { $0.kind == .stage2 }.flatMap(\.earlier))
            let certifiable = Set(standards.filter { Catalog.standard($0)?.certifiable == true })
            let stage1 = audits.last {
                $0.kind == .stage1 && $0.client == client && !followed.contains($0.id) && !certifiable.isDisjoint(with: $0.standards)
            }
            return ProgrammePlacement(certificate: nil, earlier: stage1.map { [$0.id] } ?? [])
        case .surveillance, .recertification, .special:
            guard let certificate else {
                throw CentralError.programme("a \(kind.rawValue) audit belongs to a certification: name its certificate with "
                    + "--certificate NUMBER (`auditsync central certificate list` shows them)")
            }
            let holder = try clientOf(certificate: certificate)
            guard holder == client else {
                throw CentralError.programme("certificate \(certificate) is held by client \(holder), not \(client)")
            }
            let current = try self.certificate(certificate)
            guard current.status(today: today) != .withdrawn else {
                throw CentralError.programme("certificate \(certificate) is withdrawn; a withdrawn certificate has no more audits")
            }
            if kind == .surveillance {
                let certified = Set(current.data.standards.map(\.id))
                for standard in standards where Catalog.standard(standard)?.certifiable == true && !certified.contains(standard.rawValue) {
                    throw CentralError.programme("certificate \(certificate) does not cover \(standard.rawValue); a surveillance audits "
                        + "the certified standards (\(certified.sorted().joined(separator: ", "))) — extend with a special audit")
                }
            }
            let earlier = try certificationAudits(certificate, in: audits)
            for audit in earlier where audit.kind != .stage1 && audit.frozen == nil {
                throw CentralError.programme("audit \(audit.id) (\(audit.kind.rawValue)) of certificate \(certificate) is not decided yet; "
                    + "decide it before planning the next audit, whose team follows up its findings")
            }
            return ProgrammePlacement(certificate: certificate, earlier: earlier.map(\.id))
        }
    }

    /// Every audit of a certification, oldest first: the initial audits that led to its first
    /// grant, then every audit that names it.
    func certificationAudits(_ number: String, in audits: [AuditPlan]) throws -> [AuditPlan] {
        let first = try revisions(of: number).first?.data.audit
        let initial = audits.first { $0.id == first }
        let ids = Set((initial.map { [$0.id] + $0.earlier } ?? []) + audits.filter { $0.certificate == number }.map(\.id))
        return audits.filter { ids.contains($0.id) }.sorted { $0.id < $1.id }
    }

    /// A planned date, checked.
    static func plannedDates(from: String?, to: String?) throws -> (String?, String?) {
        switch (from, to) {
        case (nil, nil): return (nil, nil)
        case (let from?, let to?):
            guard let start = CalendarDate(from) else { throw CentralError.invalidDate(what: "planned start (--from)", value: from) }
            guard let end = CalendarDate(to) else { throw CentralError.invalidDate(what: "planned end (--to)", value: to) }
            guard start <= end else { throw CentralError.programme("the audit ends (--to \(to)) before it starts (--from \(from))") }
            return (start.description, end.description)
        default:
            throw CentralError.programme("give both --from and --to (the planned first and last day of the audit), or neither")
        }
    }
}
