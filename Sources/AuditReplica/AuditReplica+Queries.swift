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

/// One write in the history of a field, and what became of it.
public struct FieldWriteHistory: Equatable, Sendable {
    public enum Standing: Hashable, Sendable {
        /// The field's current value.
        case current
        /// A concurrent write that lost and is still listed as a conflict.
        case conflict
        /// Overwritten by a later write whose author had seen it.
        case superseded(by: Timestamp)
    }

    public let record: MergeRecord
    public let standing: Standing
}

extension AuditReplica {
    /// Every write ever made to one field of an audit, oldest first, with its standing: the audit
    /// trail of who wrote what, when, from which node.
    /// - Parameters:
    ///   - member: the audit id for the audit's own fields, else the member's id within the audit
    ///     (`iso42001:2023/6.1.2` for a checklist item, `F-…` for a finding).
    public func history(audit: String, entity: String, member: String, field: String) throws -> [FieldWriteHistory] {
        _ = try plan(of: audit)
        let key = entity == AuditSchema.Entity.audit ? audit : AuditSchema.memberKey(audit: audit, member: member)
        let records = try store.history(of: FieldID(entity: entity, key: key, field: field))
        let register = FieldRegister(records)
        let conflicts = Set(register.conflicts.map(\.timestamp))
        return records.map { record in
            let standing: FieldWriteHistory.Standing
            if record.timestamp == register.winner?.timestamp {
                standing = .current
            } else if conflicts.contains(record.timestamp) {
                standing = .conflict
            } else {
                standing = .superseded(by: register.supersedingRecord(of: record.timestamp)?.timestamp ?? record.timestamp)
            }
            return FieldWriteHistory(record: record, standing: standing)
        }
    }
}
