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
        var text = [
            "\(name) — central node \(central.node.hex), listens on \(listen)",
            "auditors: \(auditors); merge records: \(records)",
            "audits: \(audits.audits.count)",
        ]
        text += audits.lines.map { "  " + $0 }
        text.append("field nodes: \(active.count) enrolled, \(nodes.count - active.count) revoked")
        text += active.map { "  \($0.id)  \($0.auditor)  \($0.deviceName.isEmpty ? "-" : $0.deviceName)  last seen \($0.lastSeenAt ?? "never")" }
        // Certificates arrive with `central decide`; until then the count is honestly zero.
        text.append("certificates: 0 issued")
        global.emit([
            "name": .string(name),
            "node": .string(central.node.hex),
            "listen": .string(listen.description),
            "auditors": .int(auditors),
            "records": .int(records),
            "audits": audits.json,
            "nodes": .array(nodes.map(\.json)),
            "certificates": .int(0),
        ], text: text.joined(separator: "\n"))
    }
}
