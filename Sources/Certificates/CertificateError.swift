/// Why a key, key set, status list or credential cannot be used, in words for the person holding
/// it: what is wrong, and where that helps, what to do.
public struct CertificateError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
