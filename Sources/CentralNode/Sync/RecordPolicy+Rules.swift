import AuditDomain
import AuditReplica
import Foundation
import MergeCore

/// Who wrote it, and the rules of the work: what the laptop's operations check before they
/// write, checked again where the records arrive, because a modified laptop skips its own checks.
extension RecordPolicy {
    private typealias F = AuditSchema.FindingField

    /// The field of each entity that says who did the work, and the field whose change it attests.
    static let authorship: [String: (author: String, attests: String)] = [
        Entity.item: (AuditSchema.ItemField.by, AuditSchema.ItemField.result),
        Entity.note: (AuditSchema.NoteField.by, AuditSchema.NoteField.text),
        Entity.finding: (F.raisedBy, F.item),
        Entity.evidence: (AuditSchema.EvidenceField.addedBy, AuditSchema.EvidenceField.sha256),
        Entity.audit: (AuditSchema.AuditField.recommendedBy, AuditSchema.AuditField.recommendation),
    ]

    /// Authorship comes from the key, not the claim (SPEC §3): an author field names the auditor
    /// the writing node is enrolled for, and the work it attests (a result, a note, a finding
    /// raised, evidence added, a recommendation) carries its author in the same change — a
    /// result written without `by` would be shown under the previous result's author.
    func authorshipRefusal(_ record: MergeRecord, in change: Change) -> RecordRefusal? {
        guard let (author, attests) = Self.authorship[record.entity] else { return nil }
        if record.field == author, record.value.text != auditor {
            return "record says it was written by \(record.value.text ?? "nobody"), but node \(node.hex) belongs to \(auditor)"
        }
        if record.field == attests, change.value(of: author, key: record.key) == nil {
            return RecordRefusal("a \(record.entity) \(record.field) is written with its author (\(author)) in the same change, "
                + "and this change names none")
        }
        return nil
    }

    /// The rules of the work a laptop applies before it writes (`AuditReplica+Operations`,
    /// `+Findings`), which the central applies again.
    func workRefusal(_ record: MergeRecord, plan: AuditPlan, in change: Change) -> RecordRefusal? {
        switch (record.entity, record.field) {
        case (Entity.finding, F.status):
            return statusRefusal(record, in: change)
        case (Entity.finding, let field) where Self.stepNotes.values.contains(field):
            return stepNoteRefusal(record, in: change)
        case (Entity.item, AuditSchema.ItemField.result) where record.value.text == ChecklistResult.notApplicable.rawValue:
            return exclusionRefusal(record, in: change)
        default:
            return nil
        }
    }

    /// The note each step of a finding records, written in the change that makes the step.
    static let stepNotes: [FindingStatus: String] = [
        .responded: F.response, .accepted: F.acceptanceNote, .closed: F.verificationNote,
    ]

    /// A finding's status moves one step forward from the status its writer saw (open →
    /// responded → accepted → closed). What it saw is what the record's `seen` names: the value
    /// it overwrote, the latest of them being the one the laptop showed. That value is looked up
    /// where it is: earlier in the same batch, or in the central's store — and when it has not
    /// reached the central yet (a laptop that heard it from a team member directly), the record
    /// is taken later, not refused. A finding seen without a status reads as open, as on the
    /// laptop; `open` itself is written only when a finding is raised. Writing the status it saw
    /// moves nothing and is allowed (a laptop resolving a crowd of concurrent writes does).
    /// A step that needs its note (`FindingStatus.needsNote`: the client's response for
    /// `responded`) carries it in the same change.
    func statusRefusal(_ record: MergeRecord, in change: Change) -> RecordRefusal? {
        guard let to = record.value.text.flatMap(FindingStatus.init(rawValue:)) else { return nil }
        let finding = AuditSchema.member(ofKey: record.key)
        let seen: FindingStatus?
        switch seenStatus(of: record, in: change) {
        case .failure(let refusal): return refusal
        case .success(let status): seen = status
        }
        if to == .open {
            return seen == nil ? nil : "finding \(finding) cannot move back to open: a status moves forward only"
        }
        let from = seen ?? .open
        if from == to { return nil }
        guard from.canMove(to: to) else {
            return RecordRefusal("finding \(finding) was \(from.rawValue) for its writer and cannot move to \(to.rawValue): a status moves "
                + "one step at a time (open → responded → accepted → closed); "
                + (from.next.map { "its next status is \($0.rawValue)" } ?? "it is closed"))
        }
        if to.needsNote, let field = Self.stepNotes[to], !(change.value(of: field, key: record.key)?.text.map(hasText) ?? false) {
            return RecordRefusal("finding \(finding) moves to \(to.rawValue) only with \(field) (the client's correction and corrective "
                + "action plan) in the same change")
        }
        return nil
    }

    /// A step's note (`response`, `acceptance_note`, `verification_note`) is what that step
    /// records: it is written with the move to that step, never afterwards over it.
    func stepNoteRefusal(_ record: MergeRecord, in change: Change) -> RecordRefusal? {
        guard let step = Self.stepNotes.first(where: { $0.value == record.field })?.key else { return nil }
        let finding = AuditSchema.member(ofKey: record.key)
        let refusal = RecordRefusal("the \(record.field) of finding \(finding) is written only in the change that moves it "
                                    + "to \(step.rawValue)")
        guard let status = change.record(of: F.status, key: record.key), status.value.text == step.rawValue else { return refusal }
        switch seenStatus(of: status, in: change) {
        case .success(let seen): return seen == step ? refusal : nil
        // The status record's own refusal decides for the change (taken later, or not at all).
        case .failure: return nil
        }
    }

    /// `not-applicable` carries its justification in the same change, and only on an item the
    /// catalog lets a client exclude (the grant would fail on any other).
    func exclusionRefusal(_ record: MergeRecord, in change: Change) -> RecordRefusal? {
        let text = AuditSchema.member(ofKey: record.key)
        guard change.value(of: AuditSchema.ItemField.note, key: record.key)?.text.map(hasText) == true else {
            return "\(text) is not-applicable only with a justification note in the same change"
        }
        if let item = try? ChecklistItemID(parsing: text), !item.isExcludable {
            return RecordRefusal("\(text) cannot be not-applicable: \(Catalog.standard(item.standard)?.designation ?? item.standard.rawValue) "
                + "does not let a client exclude it")
        }
        return nil
    }

    /// The status the writer of a status record saw: nil when it saw none.
    private func seenStatus(of record: MergeRecord, in change: Change) -> Result<FindingStatus?, RecordRefusal> {
        guard let shown = record.seen.max() else { return .success(nil) }
        switch change.seen(record.fieldID, shown) ?? recorded(record.fieldID, shown).map(SeenValue.held) {
        case .held(let value):
            return .success(value.text.flatMap(FindingStatus.init(rawValue:)) ?? .open)
        case .refused:
            return .failure("it changes a status whose change was refused earlier in this sync")
        case nil:
            return .failure(RecordRefusal("the status it overwrote (\(shown)) has not reached the central yet; "
                                          + "it is sent again at the next sync", retryLater: true))
        }
    }

    private func hasText(_ text: String) -> Bool {
        !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }
}
