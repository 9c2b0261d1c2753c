import Foundation
import NoiseProtocol
import Transport
import WireProtocol

/// The central's side of every connection: who may connect, and what it answers.
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
    private var openConnections: [String: Int] = [:]
    private var admitted: [ObjectIdentifier: String] = [:]

    public init(nodes: NodeDirectory, centralName: String, maxConnectionsPerNode: Int = 4,
                log: @escaping @Sendable (String) -> Void) {
        self.nodes = nodes
        self.centralName = centralName
        self.maxConnectionsPerNode = maxConnectionsPerNode
        self.log = log
    }

    /// Admits enrolled, unrevoked field nodes whose hello names the node id they enrolled as.
    public func admit(_ peer: SecureSession.Peer, on connection: SecureConnection) -> ChannelError? {
        guard peer.hello.role == .field else {
            return ChannelError(.malformedMessage, "only field nodes connect to a central")
        }
        let node: RegisteredNode?
        do {
            node = try nodes.node(withKey: peer.staticKey)
        } catch {
            log("cannot read the node table: \(error)")
            return ChannelError(.busy, "the central cannot check enrollments right now; try again later")
        }
        guard let node else {
            return ChannelError(.unknownNode,
                "this node's key is not enrolled at \(centralName); ask the certification body for an enrollment token")
        }
        if node.revokedAt != nil {
            return ChannelError(.revokedNode, "node \(node.id) was revoked at \(centralName); ask the certification body")
        }
        let claimed = String(peer.hello.node, radix: 16)
        guard UInt64(node.id, radix: 16) == peer.hello.node else {
            return ChannelError(.keyMismatch, "the key belongs to node \(node.id), not \(claimed)")
        }
        guard openConnections[node.id, default: 0] < maxConnectionsPerNode else {
            return ChannelError(.busy, "node \(node.id) already has \(maxConnectionsPerNode) connections open; close one and retry")
        }
        openConnections[node.id, default: 0] += 1
        admitted[ObjectIdentifier(connection)] = node.id
        return nil
    }

    public func received(_ message: WireMessage, on connection: SecureConnection) {
        switch message.type {
        case .ping:
            connection.send(WireMessage(.pong, message.payload))
        case .pong:
            break
        case .error:
            let error = (try? ChannelError(payload: message.payload)).map { "\($0)" } ?? "malformed error message"
            log("\(connection.address) reported: \(error)")
            connection.close(reason: "the node reported an error: \(error)")
        }
    }

    public func closed(_ connection: SecureConnection, reason: String) {
        guard let node = admitted.removeValue(forKey: ObjectIdentifier(connection)) else { return }
        openConnections[node, default: 1] -= 1
        if openConnections[node] == 0 { openConnections.removeValue(forKey: node) }
    }
}
