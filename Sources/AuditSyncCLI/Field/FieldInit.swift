import ArgumentParser
import CanonicalJSON
import FieldNode
import Foundation
import Transport
import WireProtocol

struct FieldInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Enroll this laptop with the central named in an enrollment token.",
        discussion: """
            Creates the field node in --data (its replica and its own key), connects to the \
            central the token names, proves the central's key is the one in the token, and \
            registers this laptop's key for the token's auditor. Needs the network once; \
            everything after works offline until `field sync`. A token works once; if the \
            connection is cut, running the same command again finishes the enrollment.

            Example:
              auditsync field init --token auditsync-enroll-1.… --name "Alice's laptop"
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The token from `auditsync central enroll`.")
    var token: String

    @Option(help: ArgumentHelp("What the central's node list calls this laptop (default: its host name).", valueName: "name"))
    var name: String?

    func validate() throws {
        _ = try parsedToken()
    }

    private func parsedToken() throws -> EnrollmentToken {
        try parsingArgument { try EnrollmentToken(parsing: token) }
    }

    func run() throws {
        let token = try parsedToken()
        let node = try FieldNode(at: global.dataDirectory, create: true)
        let deviceName = name ?? ProcessInfo.processInfo.hostName
        let loop = EventLoop(name: "auditsync-field")
        defer { loop.shutdown() }
        let (id, key) = try node.prepareEnrollment(with: token.centralKey)
        let grant = try blockingWait {
            try await EnrollmentExchange.run(token: token, node: id, key: key, deviceName: deviceName, on: loop)
        }
        let enrollment = try node.recordEnrollment(grant, token: token)
        global.emit(["id": .string(node.node.hex), "auditor": .string(enrollment.auditor),
                     "central": .string(enrollment.centralName), "address": .string("\(token.host):\(token.port)")],
                    text: """
                        enrolled node \(node.node.hex) for \(enrollment.auditorName) (\(enrollment.auditor)) \
                        with \(enrollment.centralName) at \(token.host):\(token.port)
                        """)
    }
}
