import AuditDomain

/// Competence (SPEC §2.1): each certifiable standard of an audit needs at least one team member
/// qualified for it, and the lead is qualified for at least one of them.
///
/// Reference-only standards (guidance such as ISO/IEC 23894) are left out on purpose: they are
/// read beside a certifiable standard, never certified, so requiring a specialist in each would
/// refuse ordinary teams without making any certificate more trustworthy.
extension Central {
    /// Refuses a team that breaks either rule, naming the standard or the lead, and who is qualified.
    func requireCompetent(lead: String, team: [String], standards: [StandardID]) throws {
        let certifiable = standards.filter { Catalog.standard($0)?.certifiable == true }
        guard !certifiable.isEmpty else { return }
        let team = team.reduce(into: [String]()) { list, id in if !list.contains(id) { list.append(id) } }
        var qualified: [String: Set<StandardID>] = [:]
        for member in team { qualified[member] = Set(try qualifications(of: member)) }
        for standard in certifiable where !team.contains(where: { qualified[$0]?.contains(standard) == true }) {
            throw TeamError.noQualifiedMember(standard: standard, team: team,
                                              qualifiedElsewhere: try auditorsQualified(for: standard))
        }
        guard certifiable.contains(where: { qualified[lead]?.contains($0) == true }) else {
            throw TeamError.leadNotQualified(lead: lead, standards: certifiable, qualifiedFor: try qualifications(of: lead))
        }
    }

    /// Everyone qualified for `standard`, by id: whom the operator could put on the team instead.
    public func auditorsQualified(for standard: StandardID) throws -> [String] {
        let query = try database.prepare("SELECT auditor FROM auditor_standards WHERE standard = ?1 ORDER BY auditor")
        query.bind(1, standard.rawValue)
        var auditors: [String] = []
        try query.forEachRow { auditors.append($0.text(0)) }
        return auditors
    }
}
