import AuditDomain
import AuditReplica
import CentralNode
import Foundation

extension DemoScript {
    /// The cycle after the grant (SPEC §2.1): the programme shows the surveillance due; a new
    /// auditor's team receives stage 2 read-only with its accepted minor carried, verifies and
    /// closes it; the reviewer confirms the certification; a scope reduction makes revision 2,
    /// and revision 1 then verifies as superseded; a suspension shows on the current revision.
    func runCycleStep(central: Central, stage2: String, certificate number: String)
        throws -> (surveillance: String, revision: Int, superseded: String, suspended: String) {
        let programme = try central.programme().first { $0.certificate?.data.number == number }
        for item in programme?.due ?? [] {
            say("`central programme`: \(item.kind.rawValue) due by \(item.dueBy) — \(item.what)")
        }
        try central.addAuditor(id: "dana", name: "Dana Holt", roles: [.auditor, .lead])
        try central.qualify(auditor: "dana", for: StandardID("iso42001:2023"))
        let surveillance = try central.createAudit(client: try central.replica.plan(of: stage2).client,
                                                   standards: [StandardID("iso42001:2023")], kind: .surveillance,
                                                   scope: "Design and operation of AI hiring assistants", lead: "dana",
                                                   auditors: [], certificate: number)
        say("surveillance audit \(surveillance) of \(number), led by dana (new to the client)")

        let network = try DemoNetwork(central: central)
        let (danaNode, _) = try network.enrollLaptop(directory.appendingPathComponent("dana"), for: "dana")
        let summary = try network.sync(danaNode)
        let dana = try danaNode.replica()
        say("dana's laptop syncs: \(summary.received) records; it holds \(try dana.audits().map(\.id).joined(separator: " and "))")
        do {
            try dana.addNote(audit: stage2, item: nil, text: "a late remark")
        } catch {
            say("writing to stage 2 is refused on her laptop: \(error)")
        }
        for carried in try dana.carriedFindings(audit: surveillance) {
            try dana.updateFinding(carried.id, FindingUpdate(status: .closed, note: "Criteria approved and applied to all 40 risks"))
            say("carried finding \(carried.id) (from \(carried.origin), \(carried.status.rawValue)): verified on site → closed")
        }
        try dana.recordResult(audit: surveillance, item: "iso42001:2023/6.1.2", result: .conform, note: "Risk criteria applied")
        try dana.recommend(audit: surveillance, .grant, note: "The certification can continue")
        _ = try network.sync(danaNode)
        say("SIGTERM: the central stopped cleanly (exit status \(network.stop()))")
        _ = try central.decide(audit: surveillance, reviewer: "carol", grant: true, reason: nil)
        say("carol confirms the certification continues (`central certificate show` records it)")

        let revision1 = try central.certificate(number).credential
        let revision = try central.reduceCertificate(number, reviewer: "carol", reason: "the client stopped offering the product in one market",
                                                     scope: "Design and operation of AI hiring assistants for EU customers",
                                                     removingSites: [], removingStandards: [])
        let superseded = try verify(revision1, central: central)
        say("`central certificate reduce`: revision \(revision); revision 1 now verifies as: \(superseded)")
        try central.suspendCertificate(number, reason: "surveillance audit overdue")
        let suspended = try verify(try central.certificate(number).credential, central: central)
        say("after `central certificate suspend`, revision \(revision) with the new status lists: \(suspended)")
        return (surveillance, revision, superseded, suspended)
    }
}
