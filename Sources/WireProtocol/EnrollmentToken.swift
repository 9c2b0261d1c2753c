import Crypto
import HexEncoding

/// What `auditsync central enroll` hands an auditor and `auditsync field init --token` reads:
/// where the central is, the static key it must prove (pinned from then on), and a one-time
/// secret. Text, so it survives e-mail and chat:
///
///     auditsync-enroll-1. base64url( 32 bytes central key · 32 bytes secret · u16 port
///                                    · u8 length + host (UTF-8) · 4 bytes check )
///
/// The check is the first 4 bytes of SHA-256 over what precedes it: a token damaged in copying
/// is refused here, with a reason, before anything is sent anywhere.
public struct EnrollmentToken: Equatable, Sendable {
    public static let prefix = "auditsync-enroll-1."

    /// Where field nodes reach the central: a name or an address, and the port.
    public let host: String
    public let port: UInt16
    public let centralKey: [UInt8]
    public let secret: [UInt8]

    public init(host: String, port: UInt16, centralKey: [UInt8], secret: [UInt8]) {
        precondition(centralKey.count == 32 && secret.count == EnrollRequest.secretLength, "keys and secrets are 32 bytes")
        self.host = host
        self.port = port
        self.centralKey = centralKey
        self.secret = secret
    }

    public var text: String {
        var bytes = centralKey + secret + [UInt8(port >> 8), UInt8(port & 0xFF)]
        bytes.appendShortText(host)
        bytes += Self.check(bytes)
        return Self.prefix + Base64URL.encode(bytes)
    }

    public init(parsing text: String) throws(EnrollmentTokenError) {
        let trimmed = text.trimmingWhitespace
        guard trimmed.hasPrefix(Self.prefix) else {
            throw EnrollmentTokenError("this is not an AuditSync enrollment token (those start with \(Self.prefix))")
        }
        guard let bytes = Base64URL.decode(trimmed.dropFirst(Self.prefix.count)) else {
            throw EnrollmentTokenError("the token has characters a token never has; copy it again")
        }
        guard bytes.count > 4, Array(bytes.suffix(4)) == Self.check(Array(bytes.dropLast(4))) else {
            throw EnrollmentTokenError("the token is damaged or incomplete; copy it again")
        }
        do {
            var reader = PayloadReader(Array(bytes.dropLast(4)), what: "token")
            let key = Array(try reader.take(32))
            let secret = Array(try reader.take(EnrollRequest.secretLength))
            let port = try reader.take(2).reduce(UInt16(0)) { $0 << 8 | UInt16($1) }
            let host = try reader.shortText("host")
            try reader.finish()
            guard !host.isEmpty, port != 0 else { throw EnrollmentTokenError("the token names no central address") }
            self.init(host: host, port: port, centralKey: key, secret: secret)
        } catch let error as EnrollmentTokenError {
            throw error
        } catch {
            // The check matched, so a central issued it: a newer format this build cannot read.
            throw EnrollmentTokenError("this build cannot read the token (\(error)); update AuditSync")
        }
    }

    private static func check(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes).prefix(4))
    }
}

/// Why a token cannot be used, in words for the auditor who pasted it.
public struct EnrollmentTokenError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension String {
    /// Without the spaces and line breaks a pasted token picks up at either end.
    var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
