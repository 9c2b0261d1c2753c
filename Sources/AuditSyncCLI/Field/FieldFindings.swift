import ArgumentParser
import AuditDomain
import AuditReplica
import CanonicalJSON
import Foundation

struct FieldFinding: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finding",
        abstract: "Raise findings and move them through their life cycle.",
        subcommands: [Add.self, Update.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Raise a finding against a checklist item; prints the finding's id.",
            discussion: """
                Grades: major (blocks certification until closed), minor (until accepted), \
                observation, improvement. The finding starts open. Evidence files are copied \
                into this laptop's data directory, so the originals may be moved or deleted \
                afterwards; `field sync` carries them to the central.

                Example:
                  auditsync field finding add --audit A-2026-0001 --item iso42001:2023/6.1.2 \\
                      --grade minor --statement "AI risk criteria are not defined" \\
                      --evidence risk-register.pdf
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The audit's id.")
        var audit: String

        @Option(help: ArgumentHelp("The checklist item, STANDARD/ITEM, e.g. iso42001:2023/6.1.2.", valueName: "item"))
        var item: String

        @Option(help: "major, minor, observation or improvement.")
        var grade: String

        @Option(help: "What does not conform, and why, in words the client can act on.")
        var statement: String

        @Option(help: ArgumentHelp("A file that supports the finding; repeatable.", valueName: "file"))
        var evidence: [String] = []

        func validate() throws {
            _ = try parsingArgument { try ChecklistItemID(parsing: item) }
            _ = try parsedGrade()
            try requireText(statement, "finding statement")
        }

        private func parsedGrade() throws -> FindingGrade {
            try parsingArgument { try DomainError.parse(FindingGrade.self, grade, what: "finding grade") }
        }

        func run() throws {
            let grade = try parsedGrade()
            let id = try global.openFieldReplica().addFinding(audit: audit, item: item, grade: grade, statement: statement,
                                                              evidenceFiles: evidence.map { URL(fileURLWithPath: $0) })
            let files = evidence.isEmpty ? "" : ", with \(evidence.count) evidence file\(evidence.count == 1 ? "" : "s")"
            global.emit(["id": .string(id), "audit": .string(audit), "item": .string(item), "grade": .string(grade.rawValue),
                         "status": .string(FindingStatus.open.rawValue), "evidence": .int(evidence.count)],
                        text: "raised finding \(id) (\(grade.rawValue)) against \(item) on audit \(audit)\(files)")
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a finding's grade or statement, or move its status one step.",
            discussion: """
                A status moves forward one step at a time: open → responded → accepted → closed. \
                With a status move, --note is what that step records: the client's correction \
                and corrective action plan for responded (required), why the plan is acceptable \
                for accepted, how its implementation was verified for closed. Without one, \
                --note is a note on the finding.

                Example:
                  auditsync field finding update --finding F-7K2M9QXA --status responded \\
                      --note "Risk criteria to be approved by the board by 30 June"
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The finding's id (`field finding add` printed it).")
        var finding: String

        @Option(help: "major, minor, observation or improvement.")
        var grade: String?

        @Option(help: "The finding's new statement.")
        var statement: String?

        @Option(help: "The next status: responded, accepted or closed.")
        var status: String?

        @Option(help: "What the status move records, or a note on the finding.")
        var note: String?

        func validate() throws {
            let update = try parsedUpdate()
            if update.isEmpty { throw ValidationError("give at least one of --grade, --statement, --status or --note") }
            if let statement { try requireText(statement, "finding statement") }
            if let note { try requireText(note, "note") }
            // Checked here too, so a missing response is bad usage rather than a failed write.
            if update.status?.needsNote == true && note == nil {
                throw ValidationError(DomainError.missingResponse(finding: finding).description)
            }
        }

        private func parsedUpdate() throws -> FindingUpdate {
            try parsingArgument {
                FindingUpdate(grade: try grade.map { try DomainError.parse(FindingGrade.self, $0, what: "finding grade") },
                              statement: statement,
                              status: try status.map { try DomainError.parse(FindingStatus.self, $0, what: "finding status") },
                              note: note)
            }
        }

        func run() throws {
            let update = try parsedUpdate()
            try global.openFieldReplica().updateFinding(finding, update)
            var changes: [String] = []
            if let grade = update.grade { changes.append("grade \(grade.rawValue)") }
            if update.statement != nil { changes.append("statement") }
            if let status = update.status { changes.append("status \(status.rawValue)") }
            if update.note != nil {
                let note = switch update.status {
                case nil, .open: "note"
                case .responded: "with the client's response"
                case .accepted: "with why the plan is accepted"
                case .closed: "with how it was verified"
                }
                changes.append(note)
            }
            global.emit(["finding": .string(finding), "grade": .optional(update.grade?.rawValue),
                         "statement": .optional(update.statement), "status": .optional(update.status?.rawValue),
                         "note": .optional(update.note)],
                        text: "updated finding \(finding): \(changes.joined(separator: ", "))")
        }
    }
}

/// Empty text is bad usage when the command line alone shows it, in the replica's own words.
private func requireText(_ text: String, _ what: String) throws {
    if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        throw ValidationError(DomainError.emptyText(what: what).description)
    }
}
