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
        let loop = EventLoop(name: "auditsync-field")
        defer { loop.shutdown() }
        let before = DataDirectoryBefore(global.dataDirectory)
        let node: FieldNode, grant: EnrollGrant
        do {
            (node, grant) = try enroll(token, on: loop)
        } catch {
            // A half-made node would be left for the auditor to find and remove; but a key the
            // central may have registered is kept, so the same token can finish the enrollment.
            if !(error is EnrollmentAnswerLost) { before.removeWhatWasCreated() }
            throw error
        }
        let enrollment = try node.recordEnrollment(grant, token: token)
        global.emit(["id": .string(node.node.hex), "auditor": .string(enrollment.auditor),
                     "central": .string(enrollment.centralName), "address": .string("\(token.host):\(token.port)")],
                    text: """
                        enrolled node \(node.node.hex) for \(enrollment.auditorName) (\(enrollment.auditor)) \
                        with \(enrollment.centralName) at \(token.host):\(token.port)
                        """)
    }

    /// Creates (or opens) the node and asks the central; the node is released if this throws.
    private func enroll(_ token: EnrollmentToken, on loop: EventLoop) throws -> (FieldNode, EnrollGrant) {
        let node = try FieldNode(at: global.dataDirectory, create: true)
        let deviceName = name ?? ProcessInfo.processInfo.hostName
        let (id, key) = try node.prepareEnrollment(with: token.centralKey)
        let grant = try blockingWait {
            try await EnrollmentExchange.run(token: token, node: id, key: key, deviceName: deviceName, on: loop)
        }
        return (node, grant)
    }
}

/// How the data directory was before `field init`, so that a failed enrollment can take back
/// what the command created: the directory itself and any parents it made, or, in a directory
/// that existed empty, its new contents. A directory that held anything is never touched.
private struct DataDirectoryBefore {
    /// The topmost directory the command is about to create; nil when the data directory exists.
    let topmost: URL?
    let existedEmpty: Bool
    let directory: URL

    init(_ directory: URL) {
        let files = FileManager.default
        // lstat, not stat: a symbolic link, even a dangling one, counts as something that was there.
        func exists(_ url: URL) -> Bool { (try? files.attributesOfItem(atPath: url.path)) != nil }
        self.directory = directory.standardizedFileURL
        if exists(self.directory) {
            topmost = nil
            existedEmpty = (try? files.contentsOfDirectory(atPath: self.directory.path))?.isEmpty == true
        } else {
            var top = self.directory
            while top.pathComponents.count > 1, !exists(top.deletingLastPathComponent()) { top = top.deletingLastPathComponent() }
            topmost = top
            existedEmpty = false
        }
    }

    func removeWhatWasCreated() {
        let files = FileManager.default
        if let topmost {
            try? files.removeItem(at: topmost)
        } else if existedEmpty {
            for name in (try? files.contentsOfDirectory(atPath: directory.path)) ?? [] {
                try? files.removeItem(at: directory.appendingPathComponent(name))
            }
        }
    }
}
