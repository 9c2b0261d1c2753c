/// Which evidence files one node may move, and through which audits (SPEC §4: evidence belongs
/// to its audit). Pure: what the central holds is given.
///
/// A file is *held for* an audit once a node of a team member uploaded its bytes there — the
/// upload answering an evidence record of that member's own in that audit. Naming a SHA-256 is
/// not enough: a laptop that knows another audit's file's hash and plants an evidence record
/// naming it in its own audit has proved nothing, while uploading the bytes proves it had them.
/// Both answers a node gets depend only on the audits it may read, never on other audits:
/// - a node fetches a file only if it is held for one of those audits (and stored);
/// - the central asks a node for a file its audits name unless it can already serve it to that
///   node — so for a file held only for other audits it asks exactly as for one it never saw,
///   and `offer` reveals nothing; it also asks when the node's own records name it in an audit
///   that does not hold it yet (the same file attached in a second audit is uploaded there).
struct EvidenceAccess {
    /// Each file an evidence record of the node's readable audits names, with those audits.
    let named: [String: Set<String>]
    /// Each file named by evidence records written by the node's auditor (any of their nodes),
    /// with the audits those records are in.
    let ownRecords: [String: Set<String>]
    /// Each file with the node's readable audits it is held for.
    let held: [String: Set<String>]
    /// Whether the central has the file's bytes (intact, as far as it knows).
    let stored: (String) -> Bool

    /// Nil when the central does not ask this node for the file; otherwise the audits an upload
    /// of it by this node is held for from then on (possibly none: bytes the central lost,
    /// given back by a reader).
    func wanted(_ sha256: String) -> Set<String>? {
        guard named[sha256] != nil else { return nil }
        let newlyHeld = (ownRecords[sha256] ?? []).subtracting(held[sha256] ?? [])
        return newlyHeld.isEmpty && mayFetch(sha256) ? nil : newlyHeld
    }

    /// Whether the node may receive the file.
    func mayFetch(_ sha256: String) -> Bool {
        !(held[sha256] ?? []).isEmpty && stored(sha256)
    }
}
