import MergeCore

/// How audit work maps onto merge records: entity names, keys and field names.
///
/// Every key of an audit's data starts with the audit id — the audit itself is keyed by its id,
/// everything in it by `AUDIT/…` — so one `KeyScope` reads (and later replicates) one audit.
/// Collections (findings, evidence, notes) are add-wins sets: each member has a `present` field;
/// removal writes `present = false`, and any concurrent add or edit, which writes
/// `present = true`, wins over it.
public enum AuditSchema {
    public enum Entity {
        public static let audit = "audit"
        public static let item = "item"
        public static let finding = "finding"
        public static let evidence = "evidence"
        public static let note = "note"
        /// Every entity an audit's keys hold.
        public static let all = [audit, item, finding, evidence, note]
    }

    public enum AuditField {
        public static let client = "client"
        public static let clientName = "client_name"
        public static let sites = "sites"
        public static let standards = "standards"
        public static let kind = "kind"
        public static let scope = "scope"
        public static let lead = "lead"
        public static let team = "team"
        public static let recommendation = "recommendation"
        public static let recommendationNote = "recommendation_note"
        public static let recommendedBy = "recommended_by"
        /// The certification's certificate number, for every audit after the first grant.
        public static let certificate = "certificate"
        public static let plannedFrom = "planned_from"
        public static let plannedTo = "planned_to"
        /// Earlier audits of the certification, one id per line (read-only for this team).
        public static let earlier = "earlier"
        /// Why the audit takes no more writes; absent while it is open. Central only.
        public static let frozen = "frozen"
    }

    public enum ItemField {
        public static let result = "result"
        public static let note = "note"
        public static let by = "by"
    }

    public enum FindingField {
        public static let item = "item"
        public static let grade = "grade"
        public static let statement = "statement"
        public static let status = "status"
        /// The client's correction and corrective action plan (recorded with `responded`).
        public static let response = "response"
        /// Why the auditor accepted the plan (recorded with `accepted`).
        public static let acceptanceNote = "acceptance_note"
        /// How implementation was verified (recorded with `closed`).
        public static let verificationNote = "verification_note"
        public static let note = "note"
        public static let raisedBy = "raised_by"
        /// On a carried finding: the finding of an earlier audit it follows up (`AUDIT/F-…`).
        public static let carriedFrom = "carried_from"
    }

    public enum EvidenceField {
        public static let sha256 = "sha256"
        public static let name = "name"
        public static let size = "size"
        public static let finding = "finding"
        public static let addedBy = "added_by"
    }

    public enum NoteField {
        public static let item = "item"
        public static let text = "text"
        public static let by = "by"
    }

    /// The membership field of collection entities.
    public static let present = "present"

    /// The prefix of each collection's member ids (`F-7K2M9QXA`), by entity.
    public static let memberPrefix: [String: String] = [Entity.finding: "F", Entity.evidence: "E", Entity.note: "N"]

    /// Sizes a value may have, so that what a laptop accepts at entry the central accepts too.
    public enum Limits {
        /// Free text: a statement, a response, a note. About thirty pages; far more than any
        /// finding needs, far less than a record may carry (1 MiB), so a runaway paste is
        /// refused on the laptop, where it can be fixed, and not at the central.
        public static let textBytes = 64 << 10
        /// An evidence file's name: what file systems allow for one name.
        public static let fileNameBytes = 255
    }

    public static func memberKey(audit: String, member: String) -> String { "\(audit)/\(member)" }

    /// The audit a key belongs to: the part before the first `/`.
    public static func audit(ofKey key: String) -> String {
        key.firstIndex(of: "/").map { String(key[..<$0]) } ?? key
    }

    /// The member id a key names: the part after the first `/`.
    public static func member(ofKey key: String) -> String {
        key.firstIndex(of: "/").map { String(key[key.index(after: $0)...]) } ?? key
    }
}

/// Identifiers for things created offline: a prefix and eight random Crockford base-32
/// characters (40 bits), unique without asking anyone.
public enum MemberID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bits = generator.next() as UInt64
        let characters = (0..<8).map { alphabet[Int((bits >> (UInt64($0) * 5)) & 31)] }
        return prefix + "-" + String(characters)
    }

    /// Whether `id` is one `make(prefix:)` could have drawn: the prefix, a dash and exactly eight
    /// characters of its alphabet (upper case). Nothing else may name a member: no slash, no
    /// dots, no empty part, so a key can never point outside its audit.
    public static func isWellFormed(_ id: String, prefix: String) -> Bool {
        let characters = Array(id)
        guard characters.count == prefix.count + 9, id.hasPrefix(prefix + "-") else { return false }
        return characters.suffix(8).allSatisfy(alphabet.contains)
    }
}
