import AuditDomain
import AuditReplica
import Certificates

/// One certification's programme as `central programme` shows it (SPEC §2.1): its audits done
/// and planned, and what is due. `certificate` is nil for a client's initial audits before the
/// first grant.
public struct CertificationProgramme: Equatable, Sendable {
    public struct Audit: Equatable, Sendable {
        public let id: String
        public let kind: AuditKind
        public let plannedFrom: String?
        public let plannedTo: String?
        /// The decision, when taken.
        public let decision: Decision?
        /// Why it takes no more writes, when it does not.
        public let frozen: String?
    }

    public let certificate: IssuedCertificate?
    /// The certificate's status today, nil before the first grant.
    public let status: CertificateStatus?
    public let client: Client
    public let audits: [Audit]
    public let due: [DueItem]
}

extension Central {
    /// Every certification's programme (optionally one client's), then the initial audits of
    /// clients not certified yet.
    public func programme(client: String? = nil) throws -> [CertificationProgramme] {
        if let client, try self.client(client) == nil { throw CentralError.unknownClient(client) }
        let audits = try replica.audits()
        let day = CalendarDate(today)!
        var placed: Set<String> = []
        var programmes: [CertificationProgramme] = []
        for certificate in try certificates() {
            let number = certificate.data.number
            let holderID = try clientOf(certificate: number)
            if let client, holderID != client { continue }
            let members = try certificationAudits(number, in: audits)
            placed.formUnion(members.map(\.id))
            let entries = try members.map(programmeEntry)
            let decided = entries.compactMap { entry in
                entry.decision.flatMap { CalendarDate(String($0.decidedAt.prefix(10))) }.map { DueRules.Decided(kind: entry.kind, on: $0) }
            }
            let suspendedOn = certificate.recordedStatus == .suspended
                ? certificate.statusChangedAt.flatMap { CalendarDate(String($0.prefix(10))) } : nil
            var due = DueRules(initialDecision: CalendarDate(certificate.data.originalIssueDate)!,
                               expiry: CalendarDate(certificate.data.expiryDate)!, status: certificate.recordedStatus,
                               suspendedOn: suspendedOn, decided: decided).due(today: day)
            // An audit planned and not decided yet answers the earliest due item of its kind.
            for entry in entries where entry.decision == nil && entry.frozen == nil {
                let kind: DueItem.Kind? = switch entry.kind {
                case .surveillance: .surveillance
                case .recertification: .recertification
                default: nil
                }
                if let index = due.firstIndex(where: { $0.kind == kind && $0.plannedAudit == nil }) { due[index].plannedAudit = entry.id }
            }
            guard let holder = try self.client(holderID) else { continue }
            programmes.append(CertificationProgramme(certificate: certificate, status: certificate.status(today: today),
                                                     client: holder, audits: entries, due: due))
        }
        // Initial audits not (yet) part of a certification, by client.
        let initial = audits.filter { !placed.contains($0.id) && $0.certificate == nil && (client == nil || $0.client == client) }
        for (clientID, members) in Dictionary(grouping: initial, by: \.client).sorted(by: { $0.key < $1.key }) {
            guard let holder = try self.client(clientID) else { continue }
            programmes.append(CertificationProgramme(certificate: nil, status: nil, client: holder,
                                                     audits: try members.sorted { $0.id < $1.id }.map(programmeEntry), due: []))
        }
        return programmes
    }

    private func programmeEntry(_ plan: AuditPlan) throws -> CertificationProgramme.Audit {
        CertificationProgramme.Audit(id: plan.id, kind: plan.kind, plannedFrom: plan.plannedFrom, plannedTo: plan.plannedTo,
                                     decision: try decisions(audit: plan.id).first, frozen: plan.frozen)
    }
}
