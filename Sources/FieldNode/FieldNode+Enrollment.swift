import Foundation
import MergeCore
import NoiseProtocol
import Transport
import WireProtocol

/// Enrollment in three steps, so the network part holds nothing but values: the node prepares
/// (its id and a key synced to disk before anything is sent), `EnrollmentExchange` talks to the
/// central, and the node records the answer. A connection cut after the central registered the
/// key is retried with the same token: the central answers the same key and id the same way.
extension FieldNode {
    /// The id and static key to enroll with. An enrolled node is refused — unless its key is
    /// missing or damaged: then it enrolls again with a new key under the same node id, keeping
    /// its replica and every record not yet sent (the damaged key file is set aside, not deleted).
    public func prepareEnrollment(with centralKey: [UInt8]? = nil) throws -> (node: NodeID, key: StaticKeyPair) {
        if let existing = try enrollment {
            if let centralKey, centralKey != existing.centralKey {
                throw FieldError.enrollmentRefused("this laptop is enrolled with \(existing.centralName), and the token is for "
                                                   + "another central; enroll it there from a fresh data directory (--data)")
            }
            guard (try? StaticKeyFile.load(in: directory)) == nil else {
                throw FieldError.alreadyEnrolled(
                    node: node.hex, central: "\(existing.centralName) (\(existing.centralHost):\(existing.centralPort))")
            }
            let file = directory.appendingPathComponent(StaticKeyFile.relativePath)
            if FileManager.default.fileExists(atPath: file.path) {
                let stamp = Int(Date().timeIntervalSince1970)
                try FileManager.default.moveItem(at: file, to: file.appendingPathExtension("damaged-\(stamp)"))
            }
        }
        return (node, try StaticKeyFile.loadOrCreate(in: directory))
    }

    /// Keeps what the central said, with the token's address and pinned key.
    @discardableResult
    public func recordEnrollment(_ grant: EnrollGrant, token: EnrollmentToken) throws -> Enrollment {
        let enrollment = Enrollment(
            centralHost: token.host, centralPort: token.port, centralKey: token.centralKey,
            centralName: grant.centralName, auditor: grant.auditor, auditorName: grant.auditorName,
            enrolledAt: ISO8601DateFormatter().string(from: Date()))
        try record(enrollment)
        return enrollment
    }
}

/// The enrollment conversation: connect pinning the token's key, send `enroll`, read the one
/// answer.
public enum EnrollmentExchange {
    public static func run(token: EnrollmentToken, node: NodeID, key: StaticKeyPair, deviceName: String,
                           on loop: EventLoop, timeoutMilliseconds: UInt64 = 10_000) async throws -> EnrollGrant {
        var configuration = SecureClient.Configuration(
            host: token.host, port: token.port, staticKey: key,
            hello: Hello(versions: ProtocolVersion.supported, node: node.rawValue, role: .enrolling, name: deviceName),
            pinnedServerKey: token.centralKey)
        configuration.limits.handshakeTimeoutMilliseconds = timeoutMilliseconds
        configuration.limits.idleTimeoutMilliseconds = timeoutMilliseconds
        let client = try await SecureClient.connect(on: loop, configuration)
        let answer: WireMessage
        do {
            try await client.send(EnrollRequest(secret: token.secret, deviceName: deviceName).message)
            answer = try await client.receive()
        } catch {
            await client.close()
            throw EnrollmentAnswerLost(cause: error)
        }
        await client.close()
        switch answer.type {
        case .enrolled:
            do {
                return try EnrollGrant(payload: answer.payload)
            } catch {
                throw EnrollmentAnswerLost(cause: error)
            }
        case .error:
            // The central registers nothing when it refuses, whatever the reason.
            throw FieldError.enrollmentRefused(try ChannelError(payload: answer.payload).reason)
        default:
            throw EnrollmentAnswerLost(cause: FieldError.unexpectedAnswer("a \(answer.type) message to the enrollment"))
        }
    }
}

/// An enrollment that failed after `enroll` went out and before a refusal came back (a cut
/// connection, an answer that cannot be read): the central may have registered the node's key
/// and id, so both must be kept, for `field init` with the same token to finish the enrollment.
/// Says what its cause says. Every other failure of an enrollment registered nothing.
public struct EnrollmentAnswerLost: Error, CustomStringConvertible {
    public let cause: any Error

    public var description: String { "\(cause)" }
}
