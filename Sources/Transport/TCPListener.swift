import CLibUV
import Glibc

/// A listening TCP socket on a loop. Each accepted connection is handed to `onAccept` as a
/// `TCPStream` that is not reading yet.
///
/// Loop-thread only (`@unchecked Sendable` for the same reason as `TCPStream`).
public final class TCPListener: @unchecked Sendable {
    public let loop: EventLoop
    private let tcp: UnsafeMutablePointer<uv_tcp_t>
    private var onAccept: ((TCPStream) -> Void)?
    private var isClosed = false
    /// The address actually bound (port 0 resolved to the port the system picked).
    public let boundAddress: String
    public let port: UInt16

    /// Binds and listens. Must run on the loop thread; `address` was resolved beforehand.
    init(loop: EventLoop, host: String, port: UInt16, address: sockaddr_storage, backlog: Int32 = 511,
         onAccept: @escaping (TCPStream) -> Void) throws {
        loop.assertInLoop()
        self.loop = loop
        let tcp = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
        self.tcp = tcp
        uv_tcp_init(loop.loop, tcp)
        var address = address
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { uv_tcp_bind(tcp, $0, 0) }
        }
        var status = bound
        if status == 0 {
            status = uv_listen(EventLoop.stream(tcp), backlog) { server, status in
                guard let server, status == 0, let context = uv_handle_get_data(EventLoop.handle(server)) else { return }
                Unmanaged<TCPListener>.fromOpaque(context).takeUnretainedValue().accept()
            }
        }
        var actual = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        if status == 0 {
            status = withUnsafeMutablePointer(to: &actual) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { uv_tcp_getsockname(tcp, $0, &length) }
            }
        }
        guard status == 0 else {
            uv_close(EventLoop.handle(tcp)) { $0?.deallocate() }
            throw TransportError.bind("\(host):\(port)", UVError(status, "listen"))
        }
        self.port = SocketAddress.port(of: actual)
        boundAddress = host.contains(":") ? "[\(host)]:\(self.port)" : "\(host):\(self.port)"
        self.onAccept = onAccept
        uv_handle_set_data(EventLoop.handle(tcp), Unmanaged.passRetained(self).toOpaque())
        loop.onShutdown(self) { [unowned self] in close() }
    }

    private func accept() {
        let stream = TCPStream(loop: loop)
        guard uv_accept(EventLoop.stream(tcp), EventLoop.stream(stream.tcp)) == 0 else {
            stream.close()
            return
        }
        stream.setNoDelay()
        onAccept?(stream)
    }

    /// Stops accepting; connections already accepted carry on.
    public func close() {
        loop.assertInLoop()
        guard !isClosed else { return }
        isClosed = true
        onAccept = nil
        loop.removeShutdownHook(self)
        uv_close(EventLoop.handle(tcp)) { handle in
            guard let handle, let context = uv_handle_get_data(handle) else { return }
            let listener = Unmanaged<TCPListener>.fromOpaque(context).takeRetainedValue()
            listener.tcp.deallocate()
        }
    }
}
