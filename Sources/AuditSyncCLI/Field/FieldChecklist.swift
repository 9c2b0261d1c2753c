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
            The first column is what --item takes in `field respond` and `field finding add`.

            Example:
              auditsync field checklist --audit A-2026-0001
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The audit's id.")
    var audit: String

    func run() throws {
        let checklist = try global.openFieldReplica().checklist(audit: audit)
        global.emit(["audit": .string(audit), "items": .array(checklist.map(\.json))],
                    text: (["audit \(audit): \(checklist.audited) of \(checklist.count) items audited"]
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
                + line.title + note
        }
    }

    private func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: Swift.max(0, width - text.count))
    }
}
