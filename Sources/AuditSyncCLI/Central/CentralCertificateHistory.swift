import ArgumentParser
import AuditDomain
import CanonicalJSON
import CentralNode
import Certificates

extension CentralCertificates {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One certificate: its current revision, every revision before it, and its history.",
            discussion: """
                The history lists every decision and status change: issued, confirmed by a \
                surveillance, renewed, extended, reduced, suspended, reinstated, withdrawn, \
                superseded by a later revision.

                Example:
                  auditsync central certificate show CERT-2026-0001
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The certificate number.") var number: String

        func run() throws {
            let central = try global.openCentral()
            let today = central.todayUTC
            let revisions = try central.revisions(of: number)
            guard let certificate = revisions.last else { throw CentralError.unknownCertificate(number) }
            let events = try central.events(of: number)
            let data = certificate.data
            let status = certificate.status(today: today)
            var lines = [
                "certificate \(data.number) — \(status.rawValue)\(certificate.statusReason.map { " (\($0))" } ?? "")",
                "client: \(data.clientName); sites: \(data.sites.joined(separator: "; "))",
                "scope: \(data.scope)",
                "standards: \(data.standards.map { "\($0.title) (\($0.id))" }.joined(separator: ", "))",
                "revision \(data.revision), issued \(data.issueDate) (original issue \(data.originalIssueDate)), expires \(data.expiryDate)",
                "audit \(data.audit); issued by \(data.issuerName)",
            ]
            if let digest = data.documentSHA256 { lines.append("audit document SHA-256 \(digest)") }
            lines.append("revisions:")
            lines += revisions.map { revision in
                "  \(revision.data.revision)  issued \(revision.data.issueDate)  expires \(revision.data.expiryDate)  "
                    + "\(revision.status(today: today).rawValue)  audit \(revision.data.audit)  \(revision.data.scope)"
            }
            lines.append("history:")
            lines += events.map { event in
                "  \(event.at.prefix(10))  revision \(event.revision)  \(event.kind.rawValue)"
                    + (event.audit.map { "  audit \($0)" } ?? "") + (event.actor.map { "  by \($0)" } ?? "")
                    + (event.reason.map { "  — \($0)" } ?? "")
            }
            var document = certificate.json(today: today)
            if case .object(var members) = document {
                members["revisions"] = .array(revisions.map { $0.json(today: today) })
                members["history"] = .array(events.map(\.json))
                document = .object(members)
            }
            global.emit(document, text: lines.joined(separator: "\n"))
        }
    }

    struct Reduce: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reduce a certificate's scope, sites or standards: a new revision, decided without an audit.",
            discussion: """
                A reviewer decides it, with a reason. The new revision supersedes the current \
                one at once: `verify` on the old one says superseded and names the new revision.

                Example:
                  auditsync central certificate reduce CERT-2026-0001 --reviewer carol \\
                      --reason "client closed the Lyon site" --remove-site "Lyon"
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The certificate number.") var number: String
        @Option(help: ArgumentHelp("The reviewer deciding.", valueName: "id")) var reviewer: String
        @Option(help: "Why (kept in the certificate's history).") var reason: String
        @Option(help: "The reduced scope, in one line.") var scope: String?
        @Option(name: .customLong("remove-site"), help: ArgumentHelp("A site to remove; repeatable.", valueName: "text"))
        var removeSite: [String] = []
        @Option(name: .customLong("remove-standard"), help: ArgumentHelp("A standard to remove; repeatable.", valueName: "std"))
        var removeStandard: [String] = []

        func run() throws {
            let central = try global.openCentral()
            let revision = try central.reduceCertificate(number, reviewer: reviewer, reason: reason, scope: scope,
                                                         removingSites: removeSite, removingStandards: removeStandard.map { StandardID($0) })
            global.emit(["certificate": .string(number), "revision": .int(revision)],
                        text: "certificate \(number) reduced: revision \(revision) supersedes revision \(revision - 1)")
        }
    }
}

extension CertificateEvent {
    var json: JSONValue {
        [
            "revision": .int(revision), "event": .string(kind.rawValue), "at": .string(at),
            "audit": .optional(audit), "by": .optional(actor), "reason": .optional(reason),
        ]
    }
}
