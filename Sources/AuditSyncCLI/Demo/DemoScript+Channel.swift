import AuditReplica
import CentralNode
import FieldNode
import Foundation
import MergeCore
import NoiseProtocol
import Transport
import WireProtocol

extension DemoScript {
    /// The central starts serving as a real process; alice's laptop enrolls over the encrypted
    /// channel with a one-time token and pings; the token does not work twice, and a laptop
    /// nobody enrolled is turned away with a reason.
    func runChannelStep(central: Central, alice: AuditReplica) throws -> ChannelStepOutcome {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        server.arguments = ["central", "serve", "--listen", "127.0.0.1:0", "--data", central.directory.path]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        guard let line = readLine(from: output.fileHandleForReading), line.hasPrefix("listening on "),
              let port = UInt16(line.split(separator: ":").last ?? "") else {
            throw DemoStepError("the central did not start serving")
        }
        say("`auditsync central serve` (pid \(server.processIdentifier)): \(line)")

        let token = try central.issueEnrollment(auditor: "alice", host: "127.0.0.1", port: port).token
        say("`central enroll --auditor alice` issues a one-time token: \(token.text.prefix(40))…")
        let laptopKey = StaticKeyPair.generate()
        let laptopNode = alice.store.node
        let outcome = try blocking {
            let loop = EventLoop(name: "demo-client")
            defer { loop.shutdown() }
            let grant = try await EnrollmentExchange.run(token: token, node: laptopNode, key: laptopKey,
                                                         deviceName: "alice's laptop", on: loop)
            let client = try await SecureClient.connect(on: loop, SecureClient.Configuration(
                host: "127.0.0.1", port: port, staticKey: laptopKey,
                hello: Hello(versions: ProtocolVersion.supported, node: laptopNode.rawValue, role: .field, name: "alice's laptop"),
                pinnedServerKey: token.centralKey))
            try await client.send(WireMessage(.ping, Array("are you there?".utf8)))
            let pong = try await client.receive()
            await client.close()

            // The same token on another laptop, then a laptop that never enrolled.
            var reused = ""
            do {
                _ = try await EnrollmentExchange.run(token: token, node: NodeID(rawValue: 0xBAD), key: StaticKeyPair.generate(),
                                                     deviceName: "someone else's laptop", on: loop)
            } catch {
                reused = "\(error)"
            }
            let stranger = try await SecureClient.connect(on: loop, SecureClient.Configuration(
                host: "127.0.0.1", port: port, staticKey: StaticKeyPair.generate(),
                hello: Hello(versions: ProtocolVersion.supported, node: 0xBAD, role: .field, name: "stranger"),
                pinnedServerKey: token.centralKey))
            let refusal = try ChannelError(payload: try await stranger.receive().payload)
            await stranger.close()
            return ChannelStepOutcome(enrolledFor: grant.auditor, pong: pong.payload == Array("are you there?".utf8),
                                      tokenReuse: reused, strangerRefusal: refusal.reason)
        }
        say("`field init --token …`: alice's laptop (node \(laptopNode.hex)) proved the central's key from the token and "
            + "registered its own; enrolled for \(outcome.enrolledFor)")
        say("alice's laptop: Noise XX handshake done, central key matches the pinned one; ping answered: \(outcome.pong)")
        say("the same token on another laptop: \(outcome.tokenReuse)")
        say("a laptop that never enrolled is refused on the channel: \"\(outcome.strangerRefusal)\"")
        server.terminate()   // SIGTERM: the server tells connected nodes and closes every connection
        server.waitUntilExit()
        say("SIGTERM: the central stopped cleanly (exit status \(server.terminationStatus))")
        return outcome
    }

    private func readLine(from handle: FileHandle) -> String? {
        var bytes: [UInt8] = []
        while let byte = try? handle.read(upToCount: 1), let first = byte.first {
            if first == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(first)
        }
        return nil
    }
}

/// What the channel step showed, for the summary.
struct ChannelStepOutcome: Sendable {
    let enrolledFor: String
    let pong: Bool
    let tokenReuse: String
    let strangerRefusal: String
}

struct DemoStepError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
