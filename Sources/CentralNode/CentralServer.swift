import Foundation
import HexEncoding
import MergeCore
import NoiseProtocol
import Transport
import WireProtocol

/// The central's side of every connection: who may connect, and what it answers.
///
/// Two kinds of connection are admitted. An enrolled, unrevoked node whose hello names the node
/// id it enrolled as gets the full protocol. A node whose hello says it comes to enroll, with a
/// key the central does not know, may send one message, `enroll`, with a valid token secret
/// within 10 s; the connection ends with the answer. Revocations made while the server runs cut the revoked node's open connections
/// within a second.
///
/// Lives on the server's loop thread (`@unchecked Sendable` only so it can be created elsewhere
/// and handed over; it is used on the loop alone).
public final class CentralServer: SecureServerHandler, @unchecked Sendable {
    private let nodes: NodeDirectory
    private let centralName: String
    private let log: @Sendable (String) -> Void
    /// How many connections one node may hold at once: a laptop needs one, a retry may briefly
    /// overlap it; more is a fault or an attack, and must not eat the server's connection limit.
    public let maxConnectionsPerNode: Int
    /// How often the node table is polled for revocations made by other processes.
    public static let revocationCheckMilliseconds: UInt64 = 500
    private var openConnections: [String: Int] = [:]
    private var admitted: [ObjectIdentifier: (connection: SecureConnection, node: String)] = [:]
    /// Connections come to enroll, each with the deadline for its `enroll`.
    private var enrolling: [ObjectIdentifier: (peer: SecureSession.Peer, deadline: LoopTimer)] = [:]
    /// How long an enrolling node has to send `enroll`: a laptop sends it at once.
    public static let enrollDeadlineMilliseconds: UInt64 = 10_000
    private var revocationWatch: LoopTimer?

    public init(nodes: NodeDirectory, centralName: String, maxConnectionsPerNode: Int = 4,
                log: @escaping @Sendable (String) -> Void) {
        self.nodes = nodes
        self.centralName = centralName
        self.maxConnectionsPerNode = maxConnectionsPerNode
        self.log = log
    }

    /// Admits enrolled, unrevoked field nodes whose hello names the node id they enrolled as,
    /// and nodes that come to enroll (hello role `enrolling`) with a key not yet known.
    public func admit(_ peer: SecureSession.Peer, on connection: SecureConnection) -> ChannelError? {
        guard peer.hello.role != .central else {
            return ChannelError(.malformedMessage, "only field nodes connect to a central")
        }
        // The revocation watch's baseline is taken before the lookup: a revocation committed
        // between the two is then seen at the first tick instead of missed.
        if revocationWatch == nil { _ = try? nodes.changedSinceLastCheck() }
        let node: RegisteredNode?
        do {
            node = try nodes.node(withKey: peer.staticKey)
        } catch {
            log("cannot read the node table: \(error)")
            return ChannelError(.busy, "the central cannot check enrollments right now; try again later")
        }
        if peer.hello.role == .enrolling {
            if let node { return ChannelError(.enrollmentRefused, "this key is already enrolled as node \(node.id)") }
            guard peer.hello.node != 0 else { return ChannelError(.malformedMessage, "node id 0 is not an id") }
            awaitEnrollment(from: peer, on: connection)
            return nil
        }
        guard let node else {
            return ChannelError(.unknownNode,
                "this node's key is not enrolled at \(centralName); ask the certification body for an enrollment token")
        }
        if node.revokedAt != nil {
            return ChannelError(.revokedNode, "node \(node.id) was revoked at \(centralName); ask the certification body")
        }
        let claimed = Hex.encode(peer.hello.node)
        guard UInt64(node.id, radix: 16) == peer.hello.node else {
            return ChannelError(.keyMismatch, "the key belongs to node \(node.id), not \(claimed)")
        }
        guard openConnections[node.id, default: 0] < maxConnectionsPerNode else {
            return ChannelError(.busy, "node \(node.id) already has \(maxConnectionsPerNode) connections open; close one and retry")
        }
        openConnections[node.id, default: 0] += 1
        admitted[ObjectIdentifier(connection)] = (connection, node.id)
        watchRevocations(on: connection.loop)
        return nil
    }

    public func received(_ message: WireMessage, on connection: SecureConnection) {
        if let (peer, deadline) = enrolling.removeValue(forKey: ObjectIdentifier(connection)) {
            deadline.close()
            return enroll(message, from: peer, on: connection)
        }
        switch message.type {
        case .ping:
            connection.send(WireMessage(.pong, message.payload))
        case .pong:
            break
        case .error:
            let error = (try? ChannelError(payload: message.payload)).map { "\($0)" } ?? "malformed error message"
            log("\(connection.address) reported: \(error)")
            connection.close(reason: "the node reported an error: \(error)")
        case .enroll:
            connection.close(error: ChannelError(.malformedMessage, "this node is already enrolled"))
        case .enrolled:
            connection.close(error: ChannelError(.malformedMessage, "only a central sends `enrolled`"))
        }
    }

    public func closed(_ connection: SecureConnection, reason: String) {
        enrolling.removeValue(forKey: ObjectIdentifier(connection))?.deadline.close()
        guard let node = admitted.removeValue(forKey: ObjectIdentifier(connection))?.node else { return }
        openConnections[node, default: 1] -= 1
        if openConnections[node] == 0 { openConnections.removeValue(forKey: node) }
        if admitted.isEmpty {
            revocationWatch?.close()
            revocationWatch = nil
        }
    }

    // MARK: Enrollment

    private func awaitEnrollment(from peer: SecureSession.Peer, on connection: SecureConnection) {
        let deadline = LoopTimer(loop: connection.loop)
        deadline.schedule(after: Self.enrollDeadlineMilliseconds) { [weak connection] in
            connection?.close(error: ChannelError(.timeout, "no `enroll` within \(Self.enrollDeadlineMilliseconds / 1000) s"))
        }
        enrolling[ObjectIdentifier(connection)] = (peer, deadline)
    }

    private func enroll(_ message: WireMessage, from peer: SecureSession.Peer, on connection: SecureConnection) {
        guard message.type == .enroll else {
            return connection.close(error: ChannelError(.malformedMessage, "a node that comes to enroll sends `enroll` first"))
        }
        let request: EnrollRequest
        do {
            request = try EnrollRequest(payload: message.payload)
        } catch {
            return connection.close(error: ChannelError(.malformedMessage, "\(error)"))
        }
        let node = NodeID(rawValue: peer.hello.node).hex
        let outcome: EnrollmentOutcome
        do {
            outcome = try nodes.redeem(secret: request.secret, node: node, publicKey: peer.staticKey,
                                       deviceName: request.deviceName)
        } catch {
            log("cannot record an enrollment: \(error)")
            return connection.close(error: ChannelError(.busy, "the central cannot record enrollments right now; try again later"))
        }
        switch outcome {
        case .enrolled(let registered, let auditorName):
            log("enrolled node \(registered.id) (\(request.deviceName)) for auditor \(registered.auditor) from \(connection.address)")
            connection.send(EnrollGrant(auditor: registered.auditor, auditorName: auditorName, centralName: centralName).message)
            connection.finish(reason: "enrollment complete")
        case .refused(let reason):
            log("refused an enrollment from \(connection.address): \(reason)")
            connection.close(error: ChannelError(.enrollmentRefused, reason))
        }
    }

    // MARK: Revocation

    /// While nodes are connected, polls the node table (cheaply: SQLite's data version) and cuts
    /// the connections of nodes revoked since.
    private func watchRevocations(on loop: EventLoop) {
        guard revocationWatch == nil else { return }
        let timer = LoopTimer(loop: loop)
        revocationWatch = timer
        timer.schedule(after: Self.revocationCheckMilliseconds, repeat: Self.revocationCheckMilliseconds) { [weak self] in
            self?.cutRevokedConnections()
        }
    }

    private func cutRevokedConnections() {
        do {
            guard try nodes.changedSinceLastCheck() else { return }
            for (connection, id) in admitted.values {
                guard let node = try nodes.node(withID: id), let revokedAt = node.revokedAt else { continue }
                log("cutting node \(id)'s connection from \(connection.address): revoked at \(revokedAt)")
                connection.close(error: ChannelError(.revokedNode,
                    "node \(id) was revoked at \(centralName)\(node.revokeReason.map { ": \($0)" } ?? "")"))
            }
        } catch {
            log("cannot check revocations: \(error)")
        }
    }
}
