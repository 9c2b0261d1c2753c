import Foundation
import Glibc

/// A TCP proxy on loopback that forwards a connection both ways and cuts it, as a dropped link
/// does, once it has forwarded `cutAfter` bytes from the server to the client. Each accepted connection takes the next limit from `cuts` (nil: never
/// cut). Plain sockets and threads: it is the network, not part of the system under test.
final class CuttingProxy: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let upstreamPort: UInt16
    private let lock = NSLock()
    private var cuts: [Int?]
    private var stopped = false

    init(upstreamPort: UInt16, cuts: [Int?]) throws {
        self.upstreamPort = upstreamPort
        self.cuts = cuts
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = CuttingProxy.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw CuttingProxyError(what: "cannot listen") }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = UInt16(bigEndian: actual.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            let limit: Int? = lock.withLock { cuts.isEmpty ? nil : cuts.removeFirst() }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            // The link holds about 64 KiB in flight each way (Linux doubles the 32 KiB asked), as a
            // LAN does; loopback's own buffers grow to megabytes, which no such link holds.
            var buffer: Int32 = 32 << 10
            setsockopt(server, SOL_SOCKET, SO_RCVBUF, &buffer, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(client, SOL_SOCKET, SO_SNDBUF, &buffer, socklen_t(MemoryLayout<Int32>.size))
            var address = CuttingProxy.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                close(client)
                close(server)
                continue
            }
            let link = Link(client: client, server: server, limit: limit)
            Thread.detachNewThread { link.pump(from: server, to: client, counting: true) }
            Thread.detachNewThread { link.pump(from: client, to: server, counting: false) }
        }
    }

    /// One proxied connection; closes both sockets once, when either side ends or the cut comes.
    private final class Link: @unchecked Sendable {
        let client: Int32
        let server: Int32
        let limit: Int?
        private let lock = NSLock()
        private var forwarded = 0
        private var closed = false

        init(client: Int32, server: Int32, limit: Int?) {
            self.client = client
            self.server = server
            self.limit = limit
        }

        func pump(from source: Int32, to destination: Int32, counting: Bool) {
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                var count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                if counting, let limit {
                    let allowed = lock.withLock { () -> Int in
                        let room = max(0, limit - forwarded)
                        forwarded += min(room, count)
                        return min(room, count)
                    }
                    count = allowed
                }
                var offset = 0
                while offset < count {
                    let written = buffer[offset..<count].withUnsafeBytes { write(destination, $0.baseAddress, $0.count) }
                    if written <= 0 { break }
                    offset += written
                }
                if counting, let limit, lock.withLock({ forwarded >= limit }) { break }
            }
            closeBoth()
        }

        private var finished = 0

        /// The first pump to end shuts both sockets down (waking the other); the second closes
        /// them, so no descriptor is closed while a thread may still use it.
        private func closeBoth() {
            let (first, last) = lock.withLock { () -> (Bool, Bool) in
                finished += 1
                defer { closed = true }
                return (!closed, finished == 2)
            }
            if first {
                // The link dropped mid-stream: the central's side is reset (what it had in flight
                // is lost); the laptop gets what reached it, then nothing more — as when a cable
                // is pulled, its kernel delivers what it already received.
                var linger = linger(l_onoff: 1, l_linger: 0)
                setsockopt(server, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
                shutdown(server, Int32(SHUT_RDWR))
                shutdown(client, Int32(SHUT_RDWR))
            }
            if last {
                close(client)
                close(server)
            }
        }
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

struct CuttingProxyError: Error {
    let what: String
}
