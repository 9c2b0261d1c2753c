import ArgumentParser
import AuditReplica
import CanonicalJSON
import MergeCore

struct FieldConflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "List the fields of an audit that teammates wrote at the same time.",
        discussion: """
            When two auditors change the same field without having seen each other's change \
            (both offline, say), neither write is lost: one value is kept by the merge rules \
            and the other is listed here, with the node and time of each. A conflict stays \
            until someone writes the field again — `field respond` for a result, `field finding \
            update` for a finding, `field recommend` for the recommendation — and `field sync` \
            shares that. --json prints the same entries as the `conflicts` of `field audit show`.

            Example:
              auditsync field conflicts --audit A-2026-0001
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The audit's id.")
    var audit: String

    func run() throws {
        let conflicts = try global.openFieldReplica().conflicts(audit: audit)
        let lines = conflicts.flatMap { conflict in
            ["  \(conflict.entity) \(conflict.member) \(conflict.field)", "    kept  \(conflict.winner.written)"]
                + conflict.losers.map { "    also  \($0.written)" }
        }
        let count = "\(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s")"
        let advice = "resolve each by writing the field again (`field respond`, `field finding update`, "
            + "`field recommend`), then `field sync`"
        global.emit(["audit": .string(audit), "conflicts": .array(conflicts.map(\.json))],
                    text: conflicts.isEmpty
                        ? "no conflicts in audit \(audit)"
                        : (["\(count) in audit \(audit):"] + lines + [advice]).joined(separator: "\n"))
    }
}

extension MergeRecord {
    /// `"nonconform" from node 438a8c61e7c543d9 at 2026-…`: the value and where it was written.
    var written: String {
        let shown = switch value {
        case .null: "(cleared)"
        case .bool(let flag): String(flag)
        case .int(let number): String(number)
        case .text(let text): "\"\(text)\""
        }
        return "\(shown) from node \(origin.hex) at \(ISO8601.string(milliseconds: timestamp.milliseconds))"
    }
}
