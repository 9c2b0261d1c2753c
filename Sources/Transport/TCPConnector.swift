import CLibUV
import Glibc

/// Opens outgoing TCP connections on a loop.
enum TCPConnector {
    /// Connects to a resolved address; `completion` runs on the loop thread with the connected
    /// stream (not reading yet) or the error.
    static func connect(on loop: EventLoop, to address: sockaddr_storage, describedAs name: String,
                        completion: @escaping (Result<TCPStream, TransportError>) -> Void) {
        loop.assertInLoop()
        let stream = TCPStream(loop: loop)
        let request = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)
        let context = ConnectContext(stream: stream, name: name, completion: completion)
        uv_req_set_data(UnsafeMutableRawPointer(request).assumingMemoryBound(to: uv_req_t.self),
                        Unmanaged.passRetained(context).toOpaque())
        var address = address
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                uv_tcp_connect(request, stream.tcp, socketAddress) { request, status in
                    guard let request else { return }
                    let raw = UnsafeMutableRawPointer(request).assumingMemoryBound(to: uv_req_t.self)
                    let context = Unmanaged<ConnectContext>.fromOpaque(uv_req_get_data(raw)!).takeRetainedValue()
                    request.deallocate()
                    context.finish(status)
                }
            }
        }
        if status != 0 {
            _ = Unmanaged<ConnectContext>.fromOpaque(context.opaque).takeRetainedValue()
            request.deallocate()
            context.finish(status)
        }
    }
}

private final class ConnectContext {
    let stream: TCPStream
    let name: String
    let completion: (Result<TCPStream, TransportError>) -> Void

    init(stream: TCPStream, name: String, completion: @escaping (Result<TCPStream, TransportError>) -> Void) {
        self.stream = stream
        self.name = name
        self.completion = completion
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    func finish(_ status: Int32) {
        if status == 0 && !stream.isClosed {
            stream.setNoDelay()
            completion(.success(stream))
        } else {
            stream.close()
            completion(.failure(.connect(name, UVError(status == 0 ? Int32(UV_ECANCELED.rawValue) : status, "connect"))))
        }
    }
}
