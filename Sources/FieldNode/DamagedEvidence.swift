import Foundation

/// An evidence record of this laptop's replica, in the words the auditor knows it by.
public struct EvidenceReference: Equatable, Sendable {
    public let audit: String
    /// The evidence id (`E-…`), as `field evidence add` printed it.
    public let id: String
    /// The file's name when it was added.
    public let name: String?
    public let finding: String?
    public let addedBy: String?

    /// The command that attaches the file again to the same audit and finding.
    public var addAgainCommand: String {
        "auditsync field evidence add --audit \(audit)" + (finding.map { " --finding \($0)" } ?? "")
            + " " + (name.map(Self.shellQuoted) ?? "FILE")
    }

    /// `E-7K2M9QXA (whiteboard.jpg) of audit A-2026-0001`.
    var shown: String {
        "evidence \(id)" + (name.map { " (\($0))" } ?? "") + " of audit \(audit)"
    }

    /// A file name as a shell would take it back: quoted only when it has to be.
    static func shellQuoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-+@%,/".unicodeScalars.contains($0)
        }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// An evidence file whose bytes no longer match its SHA-256 (bit rot, a tool that touched it),
/// found on this laptop or arriving from the central, and what became of it. A damaged copy is
/// never sent nor kept under its name: it is set aside under `blobs/quarantine/`, the laptop then
/// lacks the blob, and the next fetch brings a good copy if the central has one.
public struct DamagedEvidence: Equatable, Sendable {
    public enum State: String, Sendable {
        /// Set aside; whether the central has a good copy is known at the next `field sync`.
        case quarantined
        /// Set aside, and a good copy came down again from the central.
        case restored
        /// Set aside, and the central has no good copy: the file must be added again.
        case lost
        /// The copy the central sent did not match its name and was not stored; the next sync
        /// asks for it again.
        case dropped
    }

    public let sha256: String
    public internal(set) var state: State
    /// Where the damaged bytes are kept, relative to the data directory (`blobs/quarantine/…`);
    /// nil when nothing was kept (dropped on arrival) or the file could not be moved.
    public let keptAt: String?
    /// Why the file could not be set aside, when it could not.
    public let problem: String?
    /// The evidence records that name the file (none when no record does).
    public let evidence: [EvidenceReference]
    /// This laptop's auditor, to tell their own additions from a teammate's.
    let auditor: String?

    init(sha256: String, state: State, keptAt: String?, problem: String? = nil, evidence: [EvidenceReference], auditor: String?) {
        self.sha256 = sha256
        self.state = state
        self.keptAt = keptAt
        self.problem = problem
        self.evidence = evidence
        self.auditor = auditor
    }

    /// One line for the auditor: which evidence, what happened, what to do.
    public var advice: String {
        let subject = evidence.isEmpty ? "evidence \(sha256)" : evidence.map(\.shown).joined(separator: ", ")
        let kept = keptAt.map { "set aside as \($0)" }
            ?? problem.map { "left in place: it could not be moved (\($0)); move it out of blobs/sha256/ by hand" }
            ?? "not kept"
        // A teammate's laptop may still hold the original; one's own additions have no other source.
        let others = Set(evidence.compactMap(\.addedBy)).subtracting([auditor].compactMap { $0 }).sorted()
        let teammate = others.isEmpty ? "" : " (unless \(others.joined(separator: " or ")), who added it, still has it and syncs)"
        let addAgain = evidence.first.map { "add the file again: \($0.addAgainCommand)" }
            ?? "no evidence record on this laptop names it, so nothing needs adding"
        switch state {
        case .quarantined:
            return "\(subject): this laptop's copy is damaged (its bytes no longer match its SHA-256), \(kept); "
                + "the next `auditsync field sync` brings it down again if the central has it, otherwise \(addAgain)"
        case .restored:
            return "\(subject): this laptop's copy was damaged (\(kept)); a good copy came down again from the central"
        case .lost:
            return "\(subject): this laptop's copy was damaged (\(kept)) and the central has no good copy\(teammate); \(addAgain)"
        case .dropped:
            return "\(subject) arrived from the central not matching its SHA-256 and was not stored; "
                + "the next `auditsync field sync` asks for it again"
        }
    }
}
