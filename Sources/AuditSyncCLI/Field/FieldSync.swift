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
            Sends the records this laptop wrote that the central has not acknowledged, then \
            receives what it has not seen of the audits its auditor is on. Progress goes to \
            stderr, the summary to stdout. A sync cut at any point (network, battery) loses \
            nothing: run it again and it finishes. Records the central refuses (an audit the \
            auditor is not on, say) are listed, and stay on this laptop. An evidence file that no \
            longer matches its SHA-256 is never sent: it is set aside in blobs/quarantine/, a good \
            copy comes down if the central has one, and otherwise you are told which evidence to \
            add again (`field check` checks every file at once).

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
        for record in summary.postponed { Output.error("not taken yet (check this laptop's clock): \(record)") }
        for name in summary.missingBlobs { Output.error("evidence \(name) is not at the central yet; a later sync brings it") }
        for damaged in summary.quarantined { Output.error(damaged.advice) }
        global.emit(["sent": .int(summary.sent), "received": .int(summary.received), "conflicts": .int(summary.conflicts),
                     "blobs": .int(summary.blobs), "refused": .array(summary.refused.map(JSONValue.string)),
                     "postponed": .array(summary.postponed.map(JSONValue.string)),
                     "quarantined": .array(summary.quarantined.map(\.json))],
                    text: "sent \(summary.sent), received \(summary.received), conflicts \(summary.conflicts), "
                        + "blobs \(summary.blobs)" + (summary.refused.isEmpty ? "" : ", refused \(summary.refused.count)")
                        + (summary.postponed.isEmpty ? "" : ", not taken yet \(summary.postponed.count)")
                        + (summary.quarantined.isEmpty ? "" : ", damaged evidence \(summary.quarantined.count)"))
    }
}
