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
        do {
            try blockingWait { try await client.send(message) }
        } catch let closed as ChannelClosed {
            // The central may have said why it closed (storageFull during an upload, say) while
            // this side was still sending pieces: its reason is what the auditor needs to read.
            throw ChannelClosed(reason: closed.reason, peerError: closed.peerError ?? peerReason())
        }
    }

    /// The `error` the peer sent before the connection closed, among what arrived unread.
    private func peerReason() -> ChannelError? {
        while let message = try? receive() {
            if message.type == .error, let error = try? ChannelError(payload: message.payload) { return error }
        }
        return nil
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
