import ArgumentParser
import CanonicalJSON
import Foundation

struct FieldEvidence: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Attach evidence files to an audit or a finding.",
        subcommands: [Add.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attach a file to an audit, or to one of its findings; prints the evidence id.",
            discussion: """
                The file is copied into this laptop's data directory under its SHA-256, so the \
                original may be moved or deleted afterwards; the audit keeps its name and size. \
                `field sync` carries it to the central and to the rest of the team.

                Example:
                  auditsync field evidence add --audit A-2026-0001 --finding F-7K2M9QXA whiteboard.jpg
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The audit's id.")
        var audit: String

        @Option(help: ArgumentHelp("The finding the file supports (default: the audit as a whole).", valueName: "id"))
        var finding: String?

        @Argument(help: ArgumentHelp("The evidence file: a photo, a scanned record, an export.", valueName: "file"))
        var file: String

        func run() throws {
            let url = URL(fileURLWithPath: file)
            let id = try global.openFieldReplica().addEvidence(audit: audit, finding: finding, file: url)
            // The replica keeps the copy's size; the original is read again only for this message.
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
            global.emit(["id": .string(id), "audit": .string(audit), "finding": .optional(finding),
                         "name": .string(url.lastPathComponent), "size": .int(size)],
                        text: "added evidence \(id) (\(url.lastPathComponent), \(size) bytes) to "
                            + (finding.map { "finding \($0) of " } ?? "") + "audit \(audit)")
        }
    }
}
