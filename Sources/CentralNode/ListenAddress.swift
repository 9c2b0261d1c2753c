/// `HOST:PORT` for a listening socket; port 0 asks the system for a free one.
/// An IPv6 host is written in brackets: `[::1]:7420`.
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    public static let defaultPort: UInt16 = 7420
    public static let `default` = ListenAddress(host: "0.0.0.0", port: defaultPort)

    public let host: String
    public let port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws(CentralError) {
        guard let colon = text.lastIndex(of: ":") else { throw .invalidListenAddress(text) }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace),
              let port = UInt16(text[text.index(after: colon)...])
        else { throw .invalidListenAddress(text) }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
