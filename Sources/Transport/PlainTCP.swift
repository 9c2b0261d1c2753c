/// Plain TCP on a loop, without the secure channel: what the benchmark measures the channel
/// against, and a base for tools. Streams and listeners live on `loop`; use them there.
public enum PlainTCP {
    /// Listens on `host:port`; `onAccept` runs on the loop thread for each connection.
    public static func listen(on loop: EventLoop, host: String, port: UInt16,
                              onAccept: @escaping @Sendable (TCPStream) -> Void) async throws -> TCPListener {
        let address = try SocketAddress.resolve(host: host, port: port)
        return try await withCheckedThrowingContinuation { continuation in
            let scheduled = loop.execute {
                do {
                    continuation.resume(returning: try TCPListener(loop: loop, host: host, port: port, address: address,
                                                                   onAccept: onAccept))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            if !scheduled { continuation.resume(throwing: TransportError.loopStopped) }
        }
    }

    /// Connects to `host:port`; the stream is not reading yet.
    public static func connect(on loop: EventLoop, host: String, port: UInt16) async throws -> TCPStream {
        let address = try SocketAddress.resolve(host: host, port: port)
        return try await withCheckedThrowingContinuation { continuation in
            let scheduled = loop.execute {
                TCPConnector.connect(on: loop, to: address, describedAs: "\(host):\(port)") { result in
                    continuation.resume(with: result.mapError { $0 as Error })
                }
            }
            if !scheduled { continuation.resume(throwing: TransportError.loopStopped) }
        }
    }
}
