import AuditReplica
import Foundation
import ReplicaStore

/// An audit this laptop deleted because the central no longer gives it to its auditor.
public struct RemovedAudit: Equatable, Sendable {
    public let audit: String
    /// Why, in the auditor's words.
    public let reason: String
    /// Records of it deleted from this laptop (its own among them).
    public let records: Int
    /// Evidence files deleted with it (those no audit still held here names).
    public let evidenceFiles: Int
}

/// Leaving a team (SPEC §2.1): at each pull the central lists the audits this laptop will hold;
/// an audit held here that the list leaves out is deleted — its records, field states, this
/// node's notes about them and the evidence no other held audit names. The push came first in
/// the session, so its unsent work went up (and was refused, and listed) before it goes.
extension FieldNode {
    /// Deletes every audit held here that `listed` leaves out, and says which and why. After a
    /// restore of the central the list cannot be trusted for this (the restored central may lack
    /// an audit created after its backup, and nothing here could bring it back): such audits are
    /// kept, and noted so that later syncs keep them too.
    func forgetAudits(notIn listed: [String]) throws -> [RemovedAudit] {
        try finishEvidenceRemoval()
        let listed = Set(listed)
        var unlisted = try heldAudits().subtracting(listed)
        let kept = Set(try list(Self.keptKey)).subtracting(listed)
        if try config(Self.restoreSeenKey) != nil {
            try database.transaction {
                try setConfig(Self.keptKey, kept.union(unlisted).sorted().joined(separator: "\n"))
                try settings.remove(Self.restoreSeenKey)
            }
            return []
        }
        unlisted.subtract(kept)
        guard !unlisted.isEmpty else { return [] }
        let auditor = try enrollment?.auditor ?? ""
        var removed: [RemovedAudit] = []
        for audit in unlisted.sorted() {
            let plan = try? AuditReplica(store: store, evidence: evidence, actor: auditor).plan(of: audit)
            let wasOnTeam = plan.map { $0.team.contains(auditor) } ?? true
            let reason = wasOnTeam
                ? "you are no longer on the team of \(audit)"
                : "you are no longer on the team of an audit that follows \(audit) up (you held it read-only)"
            let (records, files) = try forget(audit)
            removed.append(RemovedAudit(audit: audit, reason: reason, records: records, evidenceFiles: files))
        }
        return removed
    }

    /// The audits this laptop holds in any part: whole, being caught up, or as last listed.
    func heldAudits() throws -> Set<String> {
        var audits = Set(try store.fieldStates(entity: AuditSchema.Entity.audit).map(\.id.key))
        audits.formUnion(try catchUpProgress().keys)
        audits.formUnion(try list(Self.heldKey))
        return audits
    }

    /// Deletes one audit in one transaction — its records and states, this node's notes about
    /// them — then the evidence files only it named. The files to delete are noted in the same
    /// transaction, so a crash before they are gone is finished by the next sync.
    private func forget(_ audit: String) throws -> (records: Int, files: Int) {
        let scope = KeyScope(audit)
        let named = Set(try store.fieldStates(entity: AuditSchema.Entity.evidence, in: scope)
            .filter { $0.id.field == AuditSchema.EvidenceField.sha256 }.compactMap(\.value.text))
        var orphans: [String] = []
        let records = try store.forget([scope]) { sequences in
            let postponed = try database.prepare("DELETE FROM postponed_records WHERE seq = ?1")
            for sequence in sequences {
                postponed.bind(1, sequence)
                try postponed.run()
            }
            var progress = try catchUpProgress()
            progress[audit] = nil
            try saveCatchUpProgress(progress)
            try setConfig(Self.heldKey, try list(Self.heldKey).filter { $0 != audit }.joined(separator: "\n"))
            let stillNamed = Set(try store.fieldStates(entity: AuditSchema.Entity.evidence)
                .filter { $0.id.field == AuditSchema.EvidenceField.sha256 }.compactMap(\.value.text))
            orphans = named.subtracting(stillNamed).sorted()
            try setConfig(Self.evidenceToRemoveKey, (try list(Self.evidenceToRemoveKey) + orphans).joined(separator: "\n"))
        }
        return (records, try finishEvidenceRemoval())
    }

    /// Deletes the evidence files a forgotten audit left to delete; returns how many were there.
    @discardableResult
    func finishEvidenceRemoval() throws -> Int {
        let pending = try list(Self.evidenceToRemoveKey)
        guard !pending.isEmpty else { return 0 }
        var removed = 0
        for sha256 in pending where try evidence.remove(sha256) { removed += 1 }
        try settings.remove(Self.evidenceToRemoveKey)
        return removed
    }

    /// A `field_config` value holding one item per line.
    func list(_ key: String) throws -> [String] {
        (try config(key) ?? "").split(separator: "\n").map(String.init)
    }

    /// Blob names (SHA-256) a forgotten audit left to delete.
    static let evidenceToRemoveKey = "forget.evidence"
    /// Set when a resume found the central restored, until the next pull's list is read.
    static let restoreSeenKey = "sync.restore_seen"
    /// Audits left out by a restored central's list, kept here (see `forgetAudits`).
    static let keptKey = "sync.kept_unlisted"
}
