import ArgumentParser
import CanonicalJSON
import CentralNode
import HexEncoding

struct CentralNodes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "List and revoke enrolled field nodes.",
        subcommands: [List.self, Revoke.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the field nodes enrolled at this central, revoked ones included.",
            discussion: """
                Example:
                  auditsync central node list --json
                """
        )

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let nodes = try global.openCentral().nodes()
            let lines = nodes.map { node in
                var line = "\(node.id)  \(node.auditor)  \(node.deviceName.isEmpty ? "-" : node.deviceName)  enrolled \(node.enrolledAt)"
                    + "  last seen \(node.lastSeenAt ?? "never")"
                if let revoked = node.revokedAt { line += "  REVOKED \(revoked)" + (node.revokeReason.map { ": \($0)" } ?? "") }
                return line
            }
            global.emit(["nodes": .array(nodes.map(\.json))],
                        text: lines.isEmpty ? "no field nodes enrolled; issue a token with `auditsync central enroll --auditor ID`"
                                            : lines.joined(separator: "\n"))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a field node: it can no longer connect, and a running server cuts it at once.",
            discussion: """
                Use it for a lost or stolen laptop, or one that left the certification body. The \
                node's records already merged stay; the auditor enrolls a new laptop with a new token.

                Example:
                  auditsync central node revoke 3f1c0e9a5b7d2468 --reason "laptop stolen"
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The node id, as `central node list` shows it.", valueName: "node"))
        var node: String

        @Option(help: "Why, for the log and the node list.")
        var reason = "revoked by the certification body"

        func run() throws {
            let revoked = try global.openCentral().revokeNode(node, reason: reason)
            global.emit(revoked.json, text: "node \(revoked.id) (\(revoked.auditor)) revoked at \(revoked.revokedAt ?? "")")
        }
    }
}

extension RegisteredNode {
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "auditor": .string(auditor), "device": .string(deviceName),
            "enrolled": .string(enrolledAt), "key": .string(Hex.encode(publicKey)),
        ]
        if let revokedAt { object["revoked"] = .string(revokedAt) }
        if let lastSeenAt { object["last_seen"] = .string(lastSeenAt) }
        if let revokeReason { object["reason"] = .string(revokeReason) }
        return .object(object)
    }
}
