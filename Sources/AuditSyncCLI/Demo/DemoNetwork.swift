import CentralNode
import FieldNode
import Foundation
import MergeCore
import NoiseProtocol
import Transport
import WireProtocol

/// The demo's network: the real `auditsync central serve` as a child process, and laptops that
/// enroll with one-time tokens and sync over the encrypted channel, as `field init` and
/// `field sync` do.
final class DemoNetwork {
    let port: UInt16
    let serverProcess: Process
    let loop = EventLoop(name: "demo-laptops")
    private let central: Central

    init(central: Central) throws {
        self.central = central
        serverProcess = Process()
        serverProcess.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        serverProcess.arguments = ["central", "serve", "--listen", "127.0.0.1:0", "--data", central.directory.path]
        let output = Pipe()
        serverProcess.standardOutput = output
        serverProcess.standardError = FileHandle.nullDevice
        try serverProcess.run()
        guard let line = Self.readLine(from: output.fileHandleForReading), line.hasPrefix("listening on "),
              let port = UInt16(line.split(separator: ":").last ?? "") else {
            serverProcess.terminate()
            throw DemoStepError("the central did not start serving")
        }
        self.port = port
    }

    deinit {
        if serverProcess.isRunning { serverProcess.terminate() }
        loop.shutdown()
    }

    /// Issues a token for `auditor` and enrolls a new laptop in `home` with it.
    func enrollLaptop(_ home: URL, for auditor: String) throws -> (node: FieldNode, token: EnrollmentToken) {
        let token = try central.issueEnrollment(auditor: auditor, host: "127.0.0.1", port: port).token
        let field = try FieldNode(at: home, create: true)
        let (id, key) = try field.prepareEnrollment()
        let loop = loop
        let grant = try blockingWait {
            try await EnrollmentExchange.run(token: token, node: id, key: key, deviceName: "\(auditor)'s laptop", on: loop)
        }
        try field.recordEnrollment(grant, token: token)
        return (field, token)
    }

    func sync(_ field: FieldNode) throws -> SyncSummary {
        try field.sync(on: loop)
    }

    /// What a second laptop gets for a token already used, in the central's words.
    func reuse(_ token: EnrollmentToken) -> String {
        let loop = loop
        do {
            _ = try blockingWait {
                try await EnrollmentExchange.run(token: token, node: NodeID(rawValue: 0xBAD), key: StaticKeyPair.generate(),
                                                 deviceName: "someone else's laptop", on: loop)
            }
            return "accepted — this is a bug"
        } catch {
            return "\(error)"
        }
    }

    /// What a laptop that never enrolled is told.
    func strangerRefusal(pinning centralKey: [UInt8]) throws -> String {
        let (loop, port) = (loop, port)
        return try blockingWait {
            let stranger = try await SecureClient.connect(on: loop, SecureClient.Configuration(
                host: "127.0.0.1", port: port, staticKey: StaticKeyPair.generate(),
                hello: Hello(versions: ProtocolVersion.supported, node: 0xBAD, role: .field, name: "stranger"),
                pinnedServerKey: centralKey))
            let refusal = try ChannelError(payload: try await stranger.receive().payload)
            await stranger.close()
            return refusal.reason
        }
    }

    /// SIGTERM: the server tells connected nodes and closes every connection; returns its status.
    func stop() -> Int32 {
        serverProcess.terminate()
        serverProcess.waitUntilExit()
        return serverProcess.terminationStatus
    }

    private static func readLine(from handle: FileHandle) -> String? {
        var bytes: [UInt8] = []
        while let byte = try? handle.read(upToCount: 1), let first = byte.first {
            if first == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(first)
        }
        return nil
    }
}

struct DemoStepError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
