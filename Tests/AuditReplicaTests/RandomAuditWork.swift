import AuditDomain
import Foundation
import MergeCore
import TestSupport

@testable import AuditReplica

/// Random audit work for the convergence simulations: results on a few crowded items, findings
/// through their life cycle, removals, evidence, notes and recommendations.
enum RandomAuditWork {
    /// Items the simulated auditors crowd onto, so that their edits collide.
    static let hotItems = ["iso42001:2023/4.1", "iso42001:2023/6.1.2", "iso42001:2023/A.6.2.4", "iso42001:2023/8.2"]

    static func operate(on replica: AuditReplica, audit: String, directory: URL,
                                 random: inout SplitMix64) throws {
        let findings = try knownFindings(replica, audit: audit)
        switch random.next() % 10 {
        case 0, 1, 2, 3:
            var item = hotItems[Int(random.next() % UInt64(hotItems.count))]
            let result = ChecklistResult.allCases[Int(random.next() % 4)]
            // Only an excludable item takes not-applicable (the others are refused at entry).
            if result == .notApplicable { item = "iso42001:2023/A.6.2.4" }
            let note = result == .notApplicable || random.next() % 2 == 0 ? "note \(random.next() % 100)" : nil
            try replica.recordResult(audit: audit, item: item, result: result, note: note)
        case 4:
            let item = hotItems[Int(random.next() % UInt64(hotItems.count))]
            try replica.addFinding(audit: audit, item: item, grade: FindingGrade.allCases[Int(random.next() % 4)],
                                   statement: "statement \(random.next() % 1000)")
        case 5, 6:
            guard let (finding, status) = findings.randomElement(using: &random) else { return }
            var update = FindingUpdate()
            if random.next() % 2 == 0, let next = status.next {
                update.status = next
                update.note = "step to \(next.rawValue)"
            } else {
                update.statement = "restated \(random.next() % 1000)"
            }
            try replica.updateFinding(finding, update)
        case 7:
            guard let (finding, _) = findings.randomElement(using: &random) else { return }
            try replica.removeFinding(finding)
        case 8:
            let file = directory.appendingPathComponent("evidence-\(random.next() % 4).txt")
            try Data("evidence \(file.lastPathComponent)\n".utf8).write(to: file)
            try replica.addEvidence(audit: audit, finding: findings.randomElement(using: &random)?.0, file: file)
        default:
            if try replica.plan(of: audit).lead == replica.actor {
                try replica.recommend(audit: audit, random.next() % 2 == 0 ? .grant : .refuse, note: "round")
            } else {
                try replica.addNote(audit: audit, item: hotItems.first, text: "note \(random.next() % 100)")
            }
        }
    }

    static func knownFindings(_ replica: AuditReplica, audit: String) throws -> [(String, FindingStatus)] {
        let findings = try replica.document(audit: audit)["findings"]?.elements ?? []
        return findings.compactMap { finding in
            guard case .string(let id) = finding["id"], case .string(let status) = finding["status"],
                  let parsed = FindingStatus(rawValue: status) else { return nil }
            return (id, parsed)
        }.sorted { $0.0 < $1.0 }
    }
}
