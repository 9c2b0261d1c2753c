import CLibUV
import Glibc

/// Numeric socket addresses for libuv: IPv4 or IPv6 literals, or `localhost`.
enum SocketAddress {
    /// The address of `host` (an IP literal or a name resolved once, here) and `port`.
    static func resolve(host: String, port: UInt16) throws -> sockaddr_storage {
        var storage = sockaddr_storage()
        let literal = withUnsafeMutablePointer(to: &storage) { pointer -> Bool in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { uv_ip4_addr(host, Int32(port), $0) == 0 }
        }
        if literal { return storage }
        let literal6 = withUnsafeMutablePointer(to: &storage) { pointer -> Bool in
            pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { uv_ip6_addr(host, Int32(port), $0) == 0 }
        }
        if literal6 { return storage }
        // A name: ask the resolver (blocking, on the caller's thread — never the loop's).
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result, let address = first.pointee.ai_addr else {
            throw TransportError.unresolvable(host)
        }
        defer { freeaddrinfo(result) }
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(first.pointee.ai_addrlen)))
        }
        return storage
    }

    static func describe(_ storage: sockaddr_storage) -> String {
        var copy = storage
        var text = [CChar](repeating: 0, count: 64)
        return withUnsafePointer(to: &copy) { pointer -> String in
            if storage.ss_family == sa_family_t(AF_INET6) {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    uv_ip6_name(address, &text, text.count)
                    return "[\(cString(text))]:\(UInt16(bigEndian: address.pointee.sin6_port))"
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                uv_ip4_name(address, &text, text.count)
                return "\(cString(text)):\(UInt16(bigEndian: address.pointee.sin_port))"
            }
        }
    }

    /// The text of a NUL-terminated C buffer.
    private static func cString(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func port(of storage: sockaddr_storage) -> UInt16 {
        var copy = storage
        return withUnsafePointer(to: &copy) { pointer in
            storage.ss_family == sa_family_t(AF_INET6)
                ? pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
                : pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
    }
}

/// Failures of the transport, in words an operator can act on.
public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    case unresolvable(String)
    case bind(String, UVError)
    case connect(String, UVError)
    case closed
    case loopStopped

    public var description: String {
        switch self {
        case .unresolvable(let host): "cannot resolve host '\(host)'"
        case .bind(let address, let error): "cannot listen on \(address): \(error)"
        case .connect(let address, let error): "cannot connect to \(address): \(error)"
        case .closed: "the connection is closed"
        case .loopStopped: "the network loop has stopped"
        }
    }
}
