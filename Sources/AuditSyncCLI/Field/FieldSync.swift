import ArgumentParser
import CanonicalJSON
import FieldNode
import Foundation
import Transport

struct FieldSync: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Exchange changes with the central: send this laptop's work, receive the team's.",
        discussion: """
            Sends the records this laptop wrote that the central does not hold, then receives \
            what it has not seen of the audits its auditor is on. Progress goes to stderr, the \
            summary to stdout. A sync cut at any point (network, battery) loses nothing: run it \
            again and it finishes where it stopped. An audit whose team you left is deleted from \
            this laptop (records and the evidence no other audit here uses), and the sync says so; \
            a laptop the certification body revoked deletes every audit it holds when told. Records the central refuses (an audit the \
            auditor is not on, say) are listed, and stay on this laptop. An evidence file that no \
            longer matches its SHA-256 is never sent: it is set aside in blobs/quarantine/, a good \
            copy comes down if the central has one, and otherwise you are told which evidence to \
            add again (`field check` checks every file at once).

            Exit status: 0 everything went up and came down; 3 the central refused this laptop \
            (revoked, not enrolled, wrong version: something must change first); 4 the central \
            could not be reached or is not serving now (sync again later); 5 the sync finished \
            but some of this laptop's work is held back (listed: a clock to fix, a refusal); \
            1 anything else.

            Example:
              auditsync field sync
              auditsync field sync --json     # {"sent": …, "received": …, "conflicts": …, "blobs": …}
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let node = try FieldNode(at: global.dataDirectory)
        let removed = node.removeAbandonedTemporaries()
        if removed > 0 { Output.error("removed \(removed) partial evidence files a stopped sync left in blobs/tmp") }
        let loop = EventLoop(name: "auditsync-field")
        defer { loop.shutdown() }
        let summary = try node.sync(on: loop) { Output.error($0) }
        for refusal in summary.refused { Output.error("refused by the central: \(refusal)") }
        // The central takes a record later for one of two reasons, which its words name: the
        // laptop's clock ran ahead, or the value the record overwrote has not reached it yet.
        for record in summary.postponed {
            Output.error(record.contains("clock") ? "held back (check this laptop's clock): \(record)"
                                                  : "held back until a later sync: \(record)")
        }
        for name in summary.missingBlobs { Output.error("evidence \(name) is not at the central yet; a later sync brings it") }
        for damaged in summary.quarantined { Output.error(damaged.advice) }
        for removed in summary.removed {
            Output.error("removed audit \(removed.audit) from this laptop: \(removed.reason); its \(removed.records) records and "
                         + "\(removed.evidenceFiles) evidence files only it used were deleted")
        }
        var document: [String: JSONValue] = [
            "sent": .int(summary.sent), "received": .int(summary.received), "conflicts": .int(summary.conflicts),
            "blobs": .int(summary.blobs), "refused": .array(summary.refused.map(JSONValue.string)),
            "postponed": .array(summary.postponed.map(JSONValue.string)),
            "quarantined": .array(summary.quarantined.map(\.json)),
            "removed": .array(summary.removed.map { .object(["audit": .string($0.audit), "reason": .string($0.reason),
                                                             "records": .int($0.records), "evidence_files": .int($0.evidenceFiles)]) }),
        ]
        if summary.relayed > 0 || summary.reconciled != nil { document["relayed"] = .int(summary.relayed) }
        global.emit(.object(document),
                    text: "sent \(summary.sent), received \(summary.received), conflicts \(summary.conflicts), "
                        + "blobs \(summary.blobs)" + (summary.relayed == 0 ? "" : ", gave back \(summary.relayed) of the team's")
                        + (summary.refused.isEmpty ? "" : ", refused \(summary.refused.count)")
                        + (summary.postponed.isEmpty ? "" : ", held back \(summary.postponed.count)")
                        + (summary.quarantined.isEmpty ? "" : ", damaged evidence \(summary.quarantined.count)")
                        + (summary.removed.isEmpty ? "" : ", removed \(summary.removed.map(\.audit).joined(separator: ", "))"))
        if summary.isHeldBack {
            throw HeldBack(postponed: summary.heldBack(summary.postponed).count, refused: summary.heldBack(summary.refused).count,
                           lostEvidence: summary.quarantined.filter { $0.state == .lost }.count)
        }
    }
}

/// The sync finished, but not all of this laptop's work went up (exit 5).
struct HeldBack: Error, CustomStringConvertible {
    let postponed: Int
    let refused: Int
    let lostEvidence: Int

    var description: String {
        var parts: [String] = []
        if postponed > 0 {
            parts.append("\(postponed) records are held back because they are stamped too far ahead of the central's clock; "
                         + "set this laptop's clock right (automatic network time) and sync again — they are kept")
        }
        if refused > 0 {
            parts.append("\(refused) records were refused by the central (listed above); they stay on this laptop")
        }
        if lostEvidence > 0 {
            parts.append("\(lostEvidence) evidence files are damaged here and the central has no good copy; add them again "
                         + "(the commands are listed above)")
        }
        return parts.joined(separator: "; ")
    }
}
