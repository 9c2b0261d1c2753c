import Foundation
import ReplicaStore
import WireProtocol

/// What a revoked laptop keeps of its revocation: who said so, their words, and when it was told.
public struct Revocation: Equatable, Sendable {
    /// The central's name, as enrollment recorded it.
    public let central: String
    /// The central's reason, as it sent it.
    public let reason: String
    /// When this laptop was told and deleted what it held (UTC, ISO 8601).
    public let at: String
}

/// A revoked laptop (SPEC §2.1): once the central — proven by its pinned key in the handshake —
/// answers that this node is revoked, the laptop deletes everything it holds of the
/// certification body: every audit (records, states, this node's sync notes), every evidence
/// file, the central's keys and status lists. It keeps its own key and enrollment (they are the
/// laptop's, not the body's) and the revocation, so every later command says what happened.
extension FieldNode {
    /// The revocation this laptop was told of, if any.
    public var revocation: Revocation? {
        get throws {
            guard let reason = try config(Self.revokedReasonKey) else { return nil }
            return Revocation(central: try config(Self.revokedCentralKey) ?? "", reason: reason,
                              at: try config(Self.revokedAtKey) ?? "")
        }
    }

    /// Deletes everything of the certification body after a verified revocation answer.
    ///
    /// Only `sync` calls it, and only for `revokedNode` arriving on the channel: a message read
    /// there was decrypted with keys of a handshake in which the central proved the key pinned
    /// at enrollment (`SecureSession` refuses any other before a single message is read), so no
    /// one else on the network can make a laptop delete its work.
    func forgetEverything(revokedBy refusal: ChannelError, central: String, at date: Date = Date()) throws -> Revocation {
        let revocation = Revocation(central: central, reason: refusal.reason, at: ISO8601DateFormatter().string(from: date))
        try store.forgetEverything {
            try database.execute("DELETE FROM postponed_records; DELETE FROM pull_marks;")
            for (name, _) in try settings.all() where Self.bodyPrefixes.contains(where: name.hasPrefix) {
                try settings.remove(name)
            }
            try setConfig(Self.revokedCentralKey, revocation.central)
            try setConfig(Self.revokedReasonKey, revocation.reason)
            try setConfig(Self.revokedAtKey, revocation.at)
        }
        // After the commit: if the files outlive a crash here, the next command finds the
        // revocation recorded and `sync` finishes deleting them before it says so.
        try evidence.removeEverything()
        return revocation
    }

    /// Refuses work on a revoked laptop, finishing the deletion of its evidence if a crash cut it.
    func requireNotRevoked() throws {
        guard let revocation = try revocation else { return }
        try? evidence.removeEverything()
        throw FieldError.revoked(revocation)
    }

    /// `field_config` entries that are the certification body's, not this laptop's: sync
    /// positions, the central's publications, evidence left to delete.
    static let bodyPrefixes = ["sync.", "trust.", "forget."]
    static let revokedCentralKey = "revoked.central"
    static let revokedReasonKey = "revoked.reason"
    static let revokedAtKey = "revoked.at"
}
