import AuditDomain
import AuditReplica
import Foundation
import MergeCore

/// What each entity of an audit holds: its keys, its fields and the values each field takes.
/// Exactly what `AuditReplica` writes on a laptop, so every valid change passes and nothing
/// else does: a record the document would show as garbage, or as a conflict on a key no
/// operation makes (`A/../B/x`), is refused where it arrives, naming why.
extension RecordPolicy {
    /// The values a field takes.
    enum FieldKind {
        /// One word of a closed vocabulary (results, grades, statuses, recommendations).
        case word([String])
        /// Free text: not blank (the laptop refuses blank text at entry) unless `blankAllowed`;
        /// null only where the laptop writes null to clear it.
        case text(nullable: Bool = false, blankAllowed: Bool = false)
        /// Who did it: text naming the auditor the node belongs to (checked with the authorship rule).
        case author
        /// Membership of a collection: a boolean.
        case flag
        /// A checklist item of the audit's standards, `STANDARD/ITEM`.
        case checklistItem
        /// A SHA-256 in lowercase hex, as evidence files are named.
        case sha256
        /// A size in bytes: an integer, not negative.
        case byteCount
        /// An evidence file's name: text, no path in it.
        case fileName
        /// The id of a member of the same audit (`F-…`): what evidence is attached to.
        case member(prefix: String)
        /// Written by the central only, never by a laptop, with why.
        case centralOnly(String)
    }

    typealias Entity = AuditSchema.Entity

    /// Every field a laptop may write, by entity (the audit entity: the recommendation only).
    static let fields: [String: [String: FieldKind]] = {
        typealias I = AuditSchema.ItemField
        typealias F = AuditSchema.FindingField
        typealias E = AuditSchema.EvidenceField
        typealias N = AuditSchema.NoteField
        typealias A = AuditSchema.AuditField
        let present = AuditSchema.present
        return [
            Entity.audit: [A.recommendation: .word(Recommendation.allCases.map(\.rawValue)),
                           A.recommendationNote: .text(nullable: true, blankAllowed: true), A.recommendedBy: .author],
            Entity.item: [I.result: .word(ChecklistResult.allCases.map(\.rawValue)),
                          I.note: .text(nullable: true, blankAllowed: true), I.by: .author],
            Entity.finding: [present: .flag, F.item: .checklistItem, F.grade: .word(FindingGrade.allCases.map(\.rawValue)),
                             F.statement: .text(), F.status: .word(FindingStatus.allCases.map(\.rawValue)),
                             F.response: .text(), F.acceptanceNote: .text(), F.verificationNote: .text(), F.note: .text(),
                             F.raisedBy: .author,
                             F.carriedFrom: .centralOnly("the central carries findings into a later audit when it plans it")],
            Entity.evidence: [present: .flag, E.sha256: .sha256, E.name: .fileName, E.size: .byteCount,
                              E.finding: .member(prefix: AuditSchema.memberPrefix[Entity.finding]!), E.addedBy: .author],
            Entity.note: [present: .flag, N.item: .checklistItem, N.text: .text(), N.by: .author],
        ]
    }()

    /// Keys are `AUDIT` for the audit itself (checked by the caller), `AUDIT/ITEM` for checklist
    /// items (an item of the audit's checklist, written as the catalog writes it), and
    /// `AUDIT/P-XXXXXXXX` for members of collections (the entity's prefix and a `MemberID`).
    func keyRefusal(_ record: MergeRecord, plan: AuditPlan) -> RecordRefusal? {
        let member = AuditSchema.member(ofKey: record.key)
        if record.entity == Entity.item {
            return itemRefusal(member, plan: plan).map { RecordRefusal("key \(record.key) does not name a checklist item: \($0)") }
        }
        guard let prefix = AuditSchema.memberPrefix[record.entity] else { return "unknown kind of record '\(record.entity)'" }
        guard MemberID.isWellFormed(member, prefix: prefix) else {
            return RecordRefusal("key \(record.key) does not name a \(record.entity) of audit \(plan.id): a \(record.entity) is "
                + "\(plan.id)/\(prefix)- and 8 letters or digits, as laptops draw them")
        }
        return nil
    }

    /// Nil when `text` is an item of the audit's checklist exactly as the catalog writes it.
    func itemRefusal(_ text: String, plan: AuditPlan) -> String? {
        let item: ChecklistItemID
        do {
            item = try ChecklistItemID(parsing: text)
        } catch {
            return "\(error)"
        }
        guard item.description == text, plan.standards.contains(item.standard),
              Catalog.standard(item.standard)?.auditableItems.contains(where: { $0.number == item.number }) == true
        else {
            return "\(text) is not on the checklist of audit \(plan.id) (its standards: "
                + "\(plan.standards.map(\.rawValue).joined(separator: ", ")))"
        }
        return nil
    }

    /// The field must be one the entity has, and its value of the field's kind and size.
    func valueRefusal(_ record: MergeRecord, plan: AuditPlan) -> RecordRefusal? {
        guard let kind = Self.fields[record.entity]?[record.field] else {
            let known = (Self.fields[record.entity] ?? [:]).keys.sorted().joined(separator: ", ")
            return "a \(record.entity) has no field '\(record.field)' (its fields: \(known))"
        }
        let value = record.value
        let what = "\(record.entity) \(record.field)"
        switch kind {
        case .word(let words):
            guard let word = value.text, words.contains(word) else {
                return "\(value.shown) is not a valid \(what); use one of: \(words.joined(separator: ", "))"
            }
        case .text(let nullable, let blankAllowed):
            if value == .null, nullable { return nil }
            guard let text = value.text else { return "the \(what) must be text, not \(value.shown)" }
            if !blankAllowed, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                return "the \(what) is empty; laptops refuse empty text at entry"
            }
            return Self.sizeRefusal(text, what, limit: AuditSchema.Limits.textBytes)
        case .author:
            guard value.text != nil else { return "the \(what) must name an auditor, not \(value.shown)" }
        case .flag:
            guard value.bool != nil else { return "the \(what) must be true or false, not \(value.shown)" }
        case .checklistItem:
            guard let text = value.text else { return "the \(what) must name a checklist item, not \(value.shown)" }
            if let wrong = itemRefusal(text, plan: plan) { return "the \(what) does not name a checklist item: \(wrong)" }
        case .sha256:
            guard let text = value.text, text.utf8.count == 64,
                  text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            else { return "the \(what) must be a SHA-256 in 64 lowercase hex digits, not \(value.shown)" }
        case .byteCount:
            guard let size = value.int, size >= 0 else { return "the \(what) must be a number of bytes, not \(value.shown)" }
        case .fileName:
            guard let text = value.text, !text.isEmpty, !text.contains("/"), !text.contains("\0") else {
                return "the \(what) must be a file's name, without a path, not \(value.shown)"
            }
            return Self.sizeRefusal(text, what, limit: AuditSchema.Limits.fileNameBytes)
        case .member(let prefix):
            guard let text = value.text, MemberID.isWellFormed(text, prefix: prefix) else {
                return "the \(what) must name a member of the audit (\(prefix)-…), not \(value.shown)"
            }
        case .centralOnly(let why):
            return "the \(what) is written by the central only: \(why)"
        }
        return nil
    }

    private static func sizeRefusal(_ text: String, _ what: String, limit: Int) -> RecordRefusal? {
        let bytes = text.utf8.count
        return bytes > limit ? "the \(what) is \(bytes) bytes, more than the limit of \(limit)" : nil
    }
}

extension MergeValue {
    /// The value as a refusal shows it: text quoted and cut short, so a huge or odd value
    /// cannot flood the auditor's screen.
    var shown: String {
        switch self {
        case .text(let text): "'\(text.count > 60 ? text.prefix(60) + "…" : text)'"
        case .null: "null"
        case .bool(let flag): "\(flag)"
        case .int(let number): "the number \(number)"
        }
    }
}
