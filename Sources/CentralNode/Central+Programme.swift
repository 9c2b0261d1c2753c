import AuditDomain
import AuditReplica
import CanonicalJSON
import Foundation
import MergeCore

extension Central {
    /// Registers an auditor. With no roles given, the auditor may audit but not lead or review.
    public func addAuditor(id: String, name: String, roles: [AuditorRole]) throws {
        try Central.requireIdentifier(id, "auditor")
        try Central.requireLine(name, "auditor name")
        guard try auditor(id) == nil else { throw CentralError.duplicateAuditor(id) }
        let roles = Array(Set(roles.isEmpty ? [.auditor] : roles)).sorted()
        let insert = try database.prepare("INSERT INTO auditors(id, name, roles) VALUES (?1, ?2, ?3)")
        insert.bind(1, id)
        insert.bind(2, name)
        insert.bind(3, roles.map(\.rawValue).joined(separator: " "))
        try insert.run()
    }

    public func auditor(_ id: String) throws -> Auditor? {
        try auditors(where: "WHERE id = ?1", id).first
    }

    public func auditors() throws -> [Auditor] {
        try auditors(where: "", nil)
    }

    private func auditors(where clause: String, _ id: String?) throws -> [Auditor] {
        let query = try database.prepare("SELECT id, name, roles FROM auditors \(clause) ORDER BY id")
        if let id { query.bind(1, id) }
        var auditors: [Auditor] = []
        try query.forEachRow { row in
            auditors.append(Auditor(id: row.text(0), name: row.text(1),
                                    roles: row.text(2).split(separator: " ").compactMap { AuditorRole(rawValue: String($0)) }))
        }
        return auditors
    }

    /// Registers a client organisation with its sites. Returns its id (`C-0001`, …).
    public func addClient(name: String, sites: [String]) throws -> String {
        try Central.requireLine(name, "client name")
        guard !sites.isEmpty else { throw CentralError.emptyText(what: "site list (give at least one --site)") }
        for site in sites { try Central.requireLine(site, "site") }
        return try database.transaction {
            let count = try database.prepare("SELECT count(*) FROM clients")
            defer { count.reset() }
            _ = try count.step()
            let id = String(format: "C-%04d", count.int(0) + 1)
            count.reset()
            let insert = try database.prepare("INSERT INTO clients(id, name, sites) VALUES (?1, ?2, ?3)")
            insert.bind(1, id)
            insert.bind(2, name)
            insert.bind(3, sites.joined(separator: "\n"))
            try insert.run()
            return id
        }
    }

    /// Every client, by id.
    public func clients() throws -> [Client] {
        let query = try database.prepare("SELECT id, name, sites FROM clients ORDER BY id")
        var clients: [Client] = []
        try query.forEachRow { row in
            clients.append(Client(id: row.text(0), name: row.text(1), sites: row.text(2).split(separator: "\n").map(String.init)))
        }
        return clients
    }

    public func client(_ id: String) throws -> Client? {
        let query = try database.prepare("SELECT name, sites FROM clients WHERE id = ?1")
        query.bind(1, id)
        defer { query.reset() }
        guard try query.step() else { return nil }
        return Client(id: id, name: query.text(0), sites: query.text(1).split(separator: "\n").map(String.init))
    }

    /// Plans an audit: numbers it (`A-2026-0001`), then writes it and its team as merge records
    /// so it reaches the team's field nodes. The lead must hold the lead role, and the team must
    /// be competent for the audit's standards (`requireCompetent`). Every audit after a
    /// certification's first grant names its certificate; the audit's team follows up the
    /// earlier audits of the certification (SPEC §2.1).
    public func createAudit(client clientID: String, standards: [StandardID], kind: AuditKind, scope: String,
                            lead: String, auditors: [String], certificate: String? = nil,
                            plannedFrom: String? = nil, plannedTo: String? = nil) throws -> String {
        guard let client = try client(clientID) else { throw CentralError.unknownClient(clientID) }
        for id in [lead] + auditors where try auditor(id) == nil { throw CentralError.unknownAuditor(id) }
        guard try auditor(lead)?.has(.lead) == true else { throw CentralError.missingRole(auditor: lead, role: "lead") }
        try requireImpartial([lead] + auditors, client: clientID, as: "on the audit team")
        try Central.requireLine(scope, "audit scope")
        var unique: [StandardID] = []
        for standard in standards where !unique.contains(standard) {
            guard Catalog.standard(standard) != nil else { throw DomainError.unknownStandard(standard.rawValue) }
            unique.append(standard)
        }
        guard unique.contains(where: { Catalog.standard($0)?.certifiable == true }) else { throw DomainError.noCertifiableStandard }
        let (from, to) = try Central.plannedDates(from: plannedFrom, to: plannedTo)
        let placement = try placement(client: clientID, kind: kind, standards: unique, certificate: certificate)
        try requireCompetent(lead: lead, team: [lead] + auditors.filter { $0 != lead }, standards: unique)

        let year = Int(ISO8601.date(milliseconds: store.now()).prefix(4)) ?? 0
        let id = try nextAuditID(year: year, client: clientID)
        // A surveillance or recertification covers the sites its certificate names (a reduction
        // may have removed some); a special audit may extend to any of the client's sites.
        let sites = try kind == .special ? client.sites : placement.certificate.map { try self.certificate($0).data.sites } ?? client.sites
        let plan = AuditPlan(id: id, client: client.id, clientName: client.name, sites: sites, standards: unique,
                             kind: kind, scope: scope, lead: lead,
                             auditors: auditors.reduce(into: []) { list, id in if id != lead && !list.contains(id) { list.append(id) } },
                             certificate: placement.certificate, plannedFrom: from, plannedTo: to, earlier: placement.earlier)
        try database.transaction {
            try replica.createAudit(plan)
            try replica.followUp(plan)
        }
        return id
    }

    private func nextAuditID(year: Int, client: String) throws -> String {
        try database.transaction {
            let next = try database.prepare("SELECT coalesce(max(number), 0) + 1 FROM audits WHERE year = ?1")
            next.bind(1, year)
            _ = try next.step()
            let number = next.int(0)
            next.reset()
            let id = String(format: "A-%04d-%04d", year, number)
            let insert = try database.prepare("INSERT INTO audits(id, client, year, number) VALUES (?1, ?2, ?3, ?4)")
            insert.bind(1, id)
            insert.bind(2, client)
            insert.bind(3, year)
            insert.bind(4, number)
            try insert.run()
            return id
        }
    }

    static func requireIdentifier(_ id: String, _ what: String) throws {
        let allowed = id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
        guard !id.isEmpty, id.count <= 64, allowed else { throw CentralError.invalidIdentifier(what: what, value: id) }
    }
}
