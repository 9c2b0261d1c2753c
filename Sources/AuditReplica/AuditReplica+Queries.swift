import AuditDomain
import MergeCore
import ReplicaStore

/// One line of an audit's checklist as this replica shows it.
public struct ChecklistLine: Equatable, Sendable {
    public let item: ChecklistItemID
    public let title: String
    public let result: ChecklistResult
    public let note: String?
    public let recordedBy: String?
    /// When and where the result was written; nil while the item is not audited yet.
    public let recorded: Timestamp?
}

/// A field with concurrent writes, in the audit's words.
public struct AuditConflict: Equatable, Sendable {
    public let entity: String
    public let member: String
    public let field: String
    public let winner: MergeRecord
    public let losers: [MergeRecord]
}

extension AuditReplica {
    /// The checklist in catalog order, with this replica's results.
    public func checklist(audit: String) throws -> [ChecklistLine] {
        let plan = try plan(of: audit)
        let items = try snapshot(entity: AuditSchema.Entity.item, in: KeyScope(audit))
        typealias F = AuditSchema.ItemField
        return plan.checklist.map { id, item in
            let fields = items[AuditSchema.memberKey(audit: audit, member: id.description)]
            let result = fields?.fields[F.result]
            return ChecklistLine(
                item: id, title: item.title,
                result: result?.value.text.flatMap(ChecklistResult.init(rawValue:)) ?? .notAudited,
                note: fields?.text(F.note), recordedBy: fields?.text(F.by), recorded: result?.timestamp)
        }
    }

    /// Fields of the audit that have unresolved concurrent writes, in a stable order.
    public func conflicts(audit: String) throws -> [AuditConflict] {
        _ = try plan(of: audit)
        return try store.conflicts(in: KeyScope(audit)).map { conflict in
            AuditConflict(entity: conflict.winner.entity, member: AuditSchema.member(ofKey: conflict.winner.key),
                          field: conflict.winner.field, winner: conflict.winner, losers: conflict.losers)
        }
    }
}
