import Dispatch
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
        BlockingChannel(client: try wait { try await SecureClient.connect(on: loop, configuration) })
    }

    func send(_ message: WireMessage) throws {
        let client = client
        try Self.wait { try await client.send(message) }
    }

    func receive() throws -> WireMessage {
        let client = client
        return try Self.wait { try await client.receive() }
    }

    func close() {
        let client = client
        _ = try? Self.wait { await client.close() }
    }

    private static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    private final class Box<T>: @unchecked Sendable {
        var result: Result<T, Error>?
    }
}
