import ArgumentParser
import CanonicalJSON
import CentralNode

struct CentralStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The central at a glance: its programme, audits, field nodes and certificates.",
        discussion: """
            Reads the data directory; works while `central serve` runs. Field nodes show when \
            they last connected, so a laptop that has not synced for a while stands out.

            Example:
              auditsync central status
              auditsync central status --json
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let central = try global.openCentral()
        let audits = try AuditListing(central.replica)
        let nodes = try central.nodes()
        let active = nodes.filter { $0.revokedAt == nil }
        let auditors = try central.auditors().count
        let records = try central.store.recordCount()
        let (name, listen) = (try central.name, try central.listenAddress)
        // What is overdue comes first: it is what an operator must act on today.
        let overdue = try central.programme().flatMap { programme in
            programme.due.filter(\.overdue).map { (programme.certificate?.data.number ?? programme.client.id, programme.client.name, $0) }
        }
        var text = overdue.isEmpty ? [] : ["OVERDUE: \(overdue.count)"] + overdue.map { "  \($0.0)  \($0.1)  \($0.2.text)" }
        text += [
            "\(name) — central node \(central.node.hex), listens on \(listen)",
            "auditors: \(auditors); merge records: \(records)",
            "audits: \(audits.audits.count)",
        ]
        text += audits.lines.map { "  " + $0 }
        text.append("field nodes: \(active.count) enrolled, \(nodes.count - active.count) revoked")
        text += active.map { "  \($0.id)  \($0.auditor)  \($0.deviceName.isEmpty ? "-" : $0.deviceName)  last seen \($0.lastSeenAt ?? "never")" }
        let certificates = try central.certificates()
        let today = central.todayUTC
        let statuses = Dictionary(grouping: certificates, by: { $0.status(today: today).rawValue }).mapValues(\.count)
        text.append("certificates: \(certificates.count) issued"
            + (statuses.isEmpty ? "" : " (" + statuses.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
                .joined(separator: ", ") + ")"))
        global.emit([
            "overdue": .array(overdue.map { certificate, client, item in
                var object = item.json
                if case .object(var members) = object {
                    members["certificate"] = .string(certificate)
                    members["client_name"] = .string(client)
                    object = .object(members)
                }
                return object
            }),
            "name": .string(name),
            "node": .string(central.node.hex),
            "listen": .string(listen.description),
            "auditors": .int(auditors),
            "records": .int(records),
            "audits": audits.json,
            "nodes": .array(nodes.map(\.json)),
            "certificates": .int(certificates.count),
            "certificate_statuses": .object(statuses.mapValues { .int($0) }),
        ], text: text.joined(separator: "\n"))
    }
}
