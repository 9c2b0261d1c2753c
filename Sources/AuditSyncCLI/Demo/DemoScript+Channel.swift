import AuditReplica
import CentralNode
import Foundation
import NoiseProtocol
import Transport
import WireProtocol

extension DemoScript {
    /// The central starts serving as a real process; alice's laptop, registered, connects over
    /// the encrypted channel; a laptop nobody registered is turned away with a reason.
    func runChannelStep(central: Central, alice: AuditReplica) throws -> (pong: Bool, strangerRefusal: String) {
        let dataDirectory = central.directory
        let laptopKey = StaticKeyPair.generate()
        try central.registerNode(id: alice.store.node.hex, publicKey: laptopKey.publicKey, auditor: "alice")
        say("alice's laptop (node \(alice.store.node.hex)) is registered with its Noise static key")

        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        server.arguments = ["central", "serve", "--listen", "127.0.0.1:0", "--data", dataDirectory.path]
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

        let centralKey = try central.staticKey().publicKey
        let laptopNode = alice.store.node.rawValue
        let outcome = try blocking {
            let loop = EventLoop(name: "demo-client")
            defer { loop.shutdown() }
            let hello = { (node: UInt64) in Hello(versions: ProtocolVersion.supported, node: node, role: .field, name: "demo laptop") }
            let client = try await SecureClient.connect(on: loop, SecureClient.Configuration(
                host: "127.0.0.1", port: port, staticKey: laptopKey, hello: hello(laptopNode),
                pinnedServerKey: centralKey))
            try await client.send(WireMessage(.ping, Array("are you there?".utf8)))
            let pong = try await client.receive()
            await client.close()

            let stranger = try await SecureClient.connect(on: loop, SecureClient.Configuration(
                host: "127.0.0.1", port: port, staticKey: StaticKeyPair.generate(), hello: hello(0xBAD),
                pinnedServerKey: centralKey))
            let refusal = try ChannelError(payload: try await stranger.receive().payload)
            await stranger.close()
            return (pong.payload == Array("are you there?".utf8), refusal.reason)
        }
        say("alice's laptop: Noise XX handshake done, central key matches the pinned one; ping answered: \(outcome.0)")
        say("an unregistered laptop is refused on the channel: \"\(outcome.1)\"")
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

struct DemoStepError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
