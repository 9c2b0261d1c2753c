import ArgumentParser
import CanonicalJSON
import CentralNode
import Foundation

struct CentralEnroll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Issue a one-time token that enrolls an auditor's laptop as a field node.",
        discussion: """
            The token names this central's address and static key and carries a secret that \
            works once. Give it to the auditor over a channel you trust; on the laptop, \
            `auditsync field init --token TOKEN` enrolls it. Only a hash of the secret is kept \
            here. Works while `central serve` runs.

            --address is where laptops reach this central (default: the listen address of \
            `central init`, with this machine's host name for 0.0.0.0).

            Example:
              auditsync central enroll --auditor alice --address audit.example.org:7420
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The auditor who will use the laptop.")
    var auditor: String

    @Option(help: ArgumentHelp("Where field nodes reach this central.", valueName: "host:port"))
    var address: String?

    @Option(help: ArgumentHelp("How long the token stays good (1 to 8760).", valueName: "hours"))
    var validHours: Int = Central.defaultEnrollmentHours

    func validate() throws {
        _ = try parsedAddress()
        guard (1...8760).contains(validHours) else { throw ValidationError("--valid-hours must be 1 to 8760, not \(validHours)") }
    }

    private func parsedAddress() throws -> ListenAddress? {
        try parsingArgument { try address.map { try ListenAddress(parsing: $0) } }
    }

    func run() throws {
        let central = try global.openCentral()
        var target = try parsedAddress() ?? central.listenAddress
        if ["0.0.0.0", "::"].contains(target.host) {
            target = ListenAddress(host: ProcessInfo.processInfo.hostName, port: target.port)
        }
        let issued = try central.issueEnrollment(auditor: auditor, host: target.host, port: target.port, validHours: validHours)
        let name = try central.auditor(auditor)?.name ?? auditor
        global.emit(["token": .string(issued.token.text), "auditor": .string(auditor),
                     "expires": .string(issued.expiresAt), "address": .string(target.description)],
                    text: """
                        \(issued.token.text)
                        one-time token for \(name) (\(auditor)) to reach \(target), valid until \(issued.expiresAt).
                        On the laptop: auditsync field init --token TOKEN
                        """)
    }
}
