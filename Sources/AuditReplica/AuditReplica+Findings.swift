import AuditDomain
import Foundation
import MergeCore
import ReplicaStore

/// A change to a finding; nil fields stay as they are.
public struct FindingUpdate: Sendable {
    public var grade: FindingGrade?
    public var statement: String?
    public var status: FindingStatus?
    /// With a status move, the note that move records (the client's response for `responded`,
    /// the acceptance reason for `accepted`, the verification for `closed`); otherwise a note.
    public var note: String?

    public init(grade: FindingGrade? = nil, statement: String? = nil, status: FindingStatus? = nil, note: String? = nil) {
        self.grade = grade
        self.statement = statement
        self.status = status
        self.note = note
    }

    public var isEmpty: Bool { grade == nil && statement == nil && status == nil && note == nil }
}

extension AuditReplica {
    /// Raises a finding against a checklist item, with optional evidence files. Returns its id.
    @discardableResult
    public func addFinding(audit: String, item: String, grade: FindingGrade, statement: String,
                           evidenceFiles: [URL] = []) throws -> String {
        _ = try writablePlan(of: audit)
        let itemID = try checklistItem(item, in: audit)
        try requireText(statement, "finding statement")
        for file in evidenceFiles {
            try requireFitting(file.lastPathComponent, "evidence file's name", limit: AuditSchema.Limits.fileNameBytes)
        }
        let id = MemberID.make(prefix: "F")
        let key = AuditSchema.memberKey(audit: audit, member: id)
        // Store the files first: a finding never names evidence that is not on disk.
        let blobs = try evidenceFiles.map { ($0, try evidence.add(fileAt: $0)) }
        typealias F = AuditSchema.FindingField
        let entity = AuditSchema.Entity.finding
        try write([
            FieldWrite(entity, key, AuditSchema.present, .bool(true)),
            FieldWrite(entity, key, F.item, .text(itemID.description)),
            FieldWrite(entity, key, F.grade, .text(grade.rawValue)),
            FieldWrite(entity, key, F.statement, .text(statement)),
            FieldWrite(entity, key, F.status, .text(FindingStatus.open.rawValue)),
            FieldWrite(entity, key, F.raisedBy, .text(actor)),
        ])
        for (file, blob) in blobs {
            try recordEvidence(audit: audit, finding: id, name: file.lastPathComponent, blob: blob)
        }
        return id
    }

    /// Changes a finding. A status moves one step forward only, and `responded` needs the
    /// client's response as the note.
    public func updateFinding(_ finding: String, _ update: FindingUpdate) throws {
        guard !update.isEmpty else { throw DomainError.emptyText(what: "update (give --grade, --statement, --status or --note)") }
        let audit = try auditOfFinding(finding)
        _ = try writablePlan(of: audit)
        let key = AuditSchema.memberKey(audit: audit, member: finding)
        guard let current = try snapshot(entity: AuditSchema.Entity.finding, in: KeyScope(audit))[key] else {
            throw DomainError.unknownFinding(finding)
        }
        guard current.isPresent else { throw DomainError.removed(what: "finding", id: finding) }
        typealias F = AuditSchema.FindingField
        let entity = AuditSchema.Entity.finding
        // Writing `present` again makes an edit win over a concurrent removal (add-wins).
        var writes = [FieldWrite(entity, key, AuditSchema.present, .bool(true))]
        if let grade = update.grade { writes.append(FieldWrite(entity, key, F.grade, .text(grade.rawValue))) }
        if let statement = update.statement {
            try requireText(statement, "finding statement")
            writes.append(FieldWrite(entity, key, F.statement, .text(statement)))
        }
        var noteField = F.note
        if let status = update.status {
            let from = current.text(F.status).flatMap(FindingStatus.init(rawValue:)) ?? .open
            guard from.canMove(to: status) else { throw DomainError.illegalStatusMove(finding: finding, from: from, to: status) }
            if status.needsNote && (update.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw DomainError.missingResponse(finding: finding)
            }
            writes.append(FieldWrite(entity, key, F.status, .text(status.rawValue)))
            noteField = switch status {
            case .responded: F.response
            case .accepted: F.acceptanceNote
            case .closed: F.verificationNote
            case .open: F.note
            }
        }
        if let note = update.note {
            try requireText(note, "note")
            writes.append(FieldWrite(entity, key, noteField, .text(note)))
        }
        try write(writes)
    }

    /// Withdraws a finding raised in error: a tombstone, kept in the audit trail.
    public func removeFinding(_ finding: String) throws {
        let audit = try auditOfFinding(finding)
        try removeMember(entity: AuditSchema.Entity.finding, audit: audit, id: finding) { DomainError.unknownFinding($0) }
    }

    /// Attaches an evidence file to an audit, or to one of its findings. Returns the evidence id.
    @discardableResult
    public func addEvidence(audit: String, finding: String?, file: URL) throws -> String {
        _ = try writablePlan(of: audit)
        if let finding, try auditOfFinding(finding) != audit { throw DomainError.unknownFinding(finding) }
        try requireFitting(file.lastPathComponent, "evidence file's name", limit: AuditSchema.Limits.fileNameBytes)
        let blob = try evidence.add(fileAt: file)
        return try recordEvidence(audit: audit, finding: finding, name: file.lastPathComponent, blob: blob)
    }

    public func removeEvidence(audit: String, evidence id: String) throws {
        try removeMember(entity: AuditSchema.Entity.evidence, audit: audit, id: id) { DomainError.unknownEvidence($0) }
    }

    @discardableResult
    private func recordEvidence(audit: String, finding: String?, name: String, blob: EvidenceStore.Blob) throws -> String {
        let id = MemberID.make(prefix: "E")
        let key = AuditSchema.memberKey(audit: audit, member: id)
        typealias F = AuditSchema.EvidenceField
        let entity = AuditSchema.Entity.evidence
        var writes = [
            FieldWrite(entity, key, AuditSchema.present, .bool(true)),
            FieldWrite(entity, key, F.sha256, .text(blob.sha256)),
            FieldWrite(entity, key, F.name, .text(name)),
            FieldWrite(entity, key, F.size, .int(blob.size)),
            FieldWrite(entity, key, F.addedBy, .text(actor)),
        ]
        if let finding { writes.append(FieldWrite(entity, key, F.finding, .text(finding))) }
        try write(writes)
        return id
    }

    /// The audit a finding belongs to, found from its id alone.
    func auditOfFinding(_ finding: String) throws -> String {
        guard finding.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }),
              let key = try store.keys(entity: AuditSchema.Entity.finding, endingWith: "/" + finding).first
        else { throw DomainError.unknownFinding(finding) }
        return AuditSchema.audit(ofKey: key)
    }
}
