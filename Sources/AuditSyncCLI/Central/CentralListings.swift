import ArgumentParser
import AuditDomain
import AuditReplica
import CanonicalJSON
import CentralNode

/// `central client list`: the organisations the certification body audits.
struct CentralClientList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the clients with their sites.",
        discussion: """
            Example:
              auditsync central client list
              auditsync central client list --json     # {"clients": [{"id": …, "name": …, "sites": […]}]}
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let clients = try global.openCentral().clients()
        global.emit(["clients": .array(clients.map { ["id": .string($0.id), "name": .string($0.name),
                                                      "sites": .array($0.sites.map(JSONValue.string))] })],
                    text: clients.isEmpty ? "no clients yet; add one with `auditsync central client add`"
                        : clients.map { "\($0.id)  \($0.name)  (\($0.sites.joined(separator: "; ")))" }.joined(separator: "\n"))
    }
}

/// `central audit list`: the programme's audits, filtered by client, kind and state.
struct CentralAuditList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List audits: their client, kind, lead and team, and whether they are decided.",
        discussion: """
            State: planned (not decided yet), granted or refused.

            Example:
              auditsync central audit list --client C-0001 --kind stage2
              auditsync central audit list --state planned --json
            """
    )

    enum State: String, CaseIterable, ExpressibleByArgument {
        case planned, granted, refused
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only this client's audits.")
    var client: String?

    @Option(help: "Only audits of this kind: stage1, stage2, surveillance, recertification or special.")
    var kind: String?

    @Option(help: "Only audits in this state: planned, granted or refused.")
    var state: State?

    func validate() throws {
        if let kind, AuditKind(rawValue: kind) == nil {
            throw ValidationError("'\(kind)' is not an audit kind; use stage1, stage2, surveillance, recertification or special")
        }
    }

    func run() throws {
        let central = try global.openCentral()
        if let client, try central.client(client) == nil { throw CentralError.unknownClient(client) }
        var rows: [(plan: AuditPlan, state: State, decision: Decision?)] = []
        for plan in try central.replica.audits() {
            let decision = try central.decisions(audit: plan.id).first
            let current: State = decision.map { $0.granted ? .granted : .refused } ?? .planned
            guard client.map({ $0 == plan.client }) ?? true, kind.map({ $0 == plan.kind.rawValue }) ?? true,
                  state.map({ $0 == current }) ?? true else { continue }
            rows.append((plan, current, decision))
        }
        global.emit(["audits": .array(rows.map { row in
            var object: [String: JSONValue] = [
                "id": .string(row.plan.id), "client": .string(row.plan.client), "kind": .string(row.plan.kind.rawValue),
                "scope": .string(row.plan.scope), "standards": .array(row.plan.standards.map { .string($0.rawValue) }),
                "lead": .string(row.plan.lead), "auditors": .array(row.plan.auditors.map(JSONValue.string)),
                "state": .string(row.state.rawValue),
            ]
            if let decision = row.decision { object["reviewer"] = .string(decision.reviewer) }
            if let number = row.decision?.certificate { object["certificate"] = .string(number) }
            return .object(object)
        })], text: rows.isEmpty ? "no audits match" : rows.map { row in
            "\(row.plan.id)  \(row.plan.kind.rawValue)  \(row.plan.clientName) (\(row.plan.client))  lead \(row.plan.lead)  "
                + row.state.rawValue + (row.decision?.certificate.map { " (\($0))" } ?? "")
        }.joined(separator: "\n"))
    }
}
