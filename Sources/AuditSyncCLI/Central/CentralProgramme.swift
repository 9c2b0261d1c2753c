import ArgumentParser
import CanonicalJSON
import CentralNode

struct CentralProgramme: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "programme",
        abstract: "Each certification's cycle: audits done and planned, what is due and by when, what is overdue.",
        discussion: """
            Due dates follow from the decisions (SPEC §2.1): the first surveillance within 12 \
            months of the initial decision, a surveillance in every calendar year that is not a \
            recertification year, the recertification decided before expiry, and a suspension \
            ended within six months. Clients whose initial audits are not decided yet are listed \
            after the certifications. Works while `central serve` runs.

            Example:
              auditsync central programme
              auditsync central programme --client C-0001 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only this client's certifications.")
    var client: String?

    func run() throws {
        let central = try global.openCentral()
        let programmes = try central.programme(client: client)
        global.emit(["certifications": .array(programmes.map(\.json))],
                    text: programmes.isEmpty ? "no audits planned yet" : programmes.map(\.text).joined(separator: "\n\n"))
    }
}

extension CertificationProgramme {
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "certificate": .optional(certificate?.data.number),
            "client": .string(client.id),
            "client_name": .string(client.name),
            "audits": .array(audits.map(\.json)),
            "due": .array(due.map(\.json)),
        ]
        if let certificate, let status {
            object["status"] = .string(status.rawValue)
            object["revision"] = .int(certificate.data.revision)
            object["standards"] = .array(certificate.data.standards.map { .string($0.id) })
            object["scope"] = .string(certificate.data.scope)
            object["original_issue"] = .string(certificate.data.originalIssueDate)
            object["expires"] = .string(certificate.data.expiryDate)
        }
        return .object(object)
    }

    var text: String {
        var lines: [String]
        if let certificate, let status {
            lines = ["\(certificate.data.number) (\(status.rawValue), revision \(certificate.data.revision)) — \(client.name) (\(client.id))",
                     "  \(certificate.data.standards.map(\.id).joined(separator: ", ")); certified since "
                        + "\(certificate.data.originalIssueDate), expires \(certificate.data.expiryDate)"]
        } else {
            lines = ["initial certification of \(client.name) (\(client.id)): not granted yet"]
        }
        lines.append("  audits:")
        lines += audits.map { "    " + $0.text }
        if !due.isEmpty {
            lines.append("  due:")
            lines += due.map { "    " + $0.text }
        }
        return lines.joined(separator: "\n")
    }
}

extension CertificationProgramme.Audit {
    var json: JSONValue {
        [
            "id": .string(id), "kind": .string(kind.rawValue),
            "planned": plannedFrom == nil ? .null : ["from": .optional(plannedFrom), "to": .optional(plannedTo)],
            "state": .string(decision != nil ? "decided" : frozen != nil ? "closed" : "planned"),
            "decision": decision.map { .string($0.granted ? "grant" : "refuse") } ?? .null,
            "decided_on": .optional(decision.map { String($0.decidedAt.prefix(10)) }),
        ]
    }

    var text: String {
        let dates = plannedFrom.map { " \($0)–\(plannedTo ?? $0)" } ?? ""
        let state = decision.map { "\($0.granted ? "granted" : "refused") \($0.decidedAt.prefix(10)) by \($0.reviewer)" }
            ?? (frozen.map { "closed: \($0)" } ?? "planned")
        return "\(id)  \(kind.rawValue)\(dates)  \(state)"
    }
}

extension DueItem {
    var json: JSONValue {
        ["kind": .string(kind.rawValue), "due_by": .string(dueBy), "overdue": .bool(overdue), "what": .string(what),
         "planned_audit": .optional(plannedAudit)]
    }

    var text: String {
        (overdue ? "OVERDUE " : "") + "\(kind.rawValue) by \(dueBy): \(what)" + (plannedAudit.map { " (planned: \($0))" } ?? "")
    }
}
