import ArgumentParser
import AuditDomain
import AuditReplica
import CanonicalJSON

struct FieldChecklist: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "List an audit's checklist items with their results.",
        discussion: """
            Every clause and control of the audit's standards, in the standards' order, with \
            the result this laptop holds (not-audited until someone records one) and its note. \
            The first column is what --item takes in `field respond` and `field finding add`. \
            Items marked "(may be excluded)" are the ones the standard lets a client exclude: \
            only they may be recorded not-applicable (Annex controls, ISO 9001 8.3, guidance).

            Example:
              auditsync field checklist --audit A-2026-0001
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The audit's id.")
    var audit: String

    func run() throws {
        let replica = try global.openFieldReplica()
        let checklist = try replica.checklist(audit: audit)
        let frozen = try replica.plan(of: audit).frozen
        global.emit(["audit": .string(audit), "frozen": .optional(frozen), "items": .array(checklist.map(\.listingJSON))],
                    text: (["audit \(audit): \(checklist.audited) of \(checklist.count) items audited"
                            + (frozen.map { " — read-only: \($0)" } ?? "")]
                        + checklist.textLines).joined(separator: "\n"))
    }
}


extension [ChecklistLine] {
    /// One line an item, in columns: item, result, title, and the note after a dash.
    var textLines: [String] {
        let itemWidth = map(\.item.description.count).max() ?? 0
        let resultWidth = ChecklistResult.allCases.map(\.rawValue.count).max() ?? 0
        return map { line in
            let note = line.note.flatMap { $0.isEmpty ? nil : " — \($0)" } ?? ""
            return padded(line.item.description, itemWidth) + "  " + padded(line.result.rawValue, resultWidth) + "  "
                + line.title + (line.item.isExcludable ? " (may be excluded)" : "") + note
        }
    }

    private func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: Swift.max(0, width - text.count))
    }
}

extension ChecklistLine {
    /// The document's shape of the line, and whether the item may be excluded (`not-applicable`).
    var listingJSON: JSONValue {
        guard case .object(var members) = json else { return json }
        members["excludable"] = .bool(item.isExcludable)
        return .object(members)
    }
}
