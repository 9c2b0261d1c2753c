import ArgumentParser
import CanonicalJSON
import CentralNode

/// `central decision show`: who decided what on an audit, when, and on which document.
struct CentralDecision: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decision",
        abstract: "Read the certification decisions taken on an audit.",
        subcommands: [Show.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who decided what on an audit, when, and the SHA-256 of the audit document it rested on.",
            discussion: """
                The document digest is the SHA-256 of the bytes `central audit show --audit ID --json` \\
                prints: the decision froze the audit, so those bytes stay as they were when it was \\
                taken, and anyone holding a copy of the document can check it was the one decided on. \\
                A granted certificate's credential names the same digest.

                Example:
                  auditsync central decision show --audit A-2026-0001
                  auditsync central audit show --audit A-2026-0001 --json | sha256sum
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The audit's id.")
        var audit: String

        func run() throws {
            let central = try global.openCentral()
            _ = try central.replica.plan(of: audit)
            let decisions = try central.decisions(audit: audit)
            let names = Dictionary(uniqueKeysWithValues: try central.auditors().map { ($0.id, $0.name) })
            global.emit(["audit": .string(audit), "decisions": .array(decisions.map { decision in
                var object: [String: JSONValue] = [
                    "decision": .string(decision.granted ? "grant" : "refuse"), "reviewer": .string(decision.reviewer),
                    "reviewer_name": .string(names[decision.reviewer] ?? decision.reviewer), "decided_at": .string(decision.decidedAt),
                ]
                if let reason = decision.reason { object["reason"] = .string(reason) }
                if let number = decision.certificate { object["certificate"] = .string(number) }
                if let revision = decision.revision { object["revision"] = .int(revision) }
                if let digest = decision.documentSHA256 { object["document_sha256"] = .string(digest) }
                return .object(object)
            })], text: decisions.isEmpty ? "audit \(audit) is not decided yet" : decisions.map { decision in
                "\(decision.granted ? "granted" : "refused") by \(names[decision.reviewer] ?? decision.reviewer) (\(decision.reviewer)) "
                    + "at \(decision.decidedAt)" + (decision.certificate.map { ": certificate \($0)" } ?? "")
                    + (decision.revision.map { " revision \($0)" } ?? "")
                    + (decision.reason.map { "; reason: \($0)" } ?? "")
                    + "\n  audit document SHA-256 \(decision.documentSHA256 ?? "(not kept for decisions before this version)")"
            }.joined(separator: "\n"))
        }
    }
}
