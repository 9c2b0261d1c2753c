import Transport
import WireProtocol

/// A `SecureClient` driven from one synchronous thread: the field node's commands own their
/// database connection on the command's thread, and wait here for each network step. The client
/// itself lives on its loop.
final class BlockingChannel {
    private let client: SecureClient

    private init(client: SecureClient) {
        self.client = client
    }

    static func connect(on loop: EventLoop, _ configuration: SecureClient.Configuration) throws -> BlockingChannel {
        BlockingChannel(client: try blockingWait { try await SecureClient.connect(on: loop, configuration) })
    }

    func send(_ message: WireMessage) throws {
        let client = client
        try blockingWait { try await client.send(message) }
    }

    func receive() throws -> WireMessage {
        let client = client
        return try blockingWait { try await client.receive() }
    }

    func close() {
        let client = client
        _ = try? blockingWait { await client.close() }
    }
}
