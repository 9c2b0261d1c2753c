import Foundation
import HexEncoding
import MergeCore
import ReplicaStore
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
    let log: @Sendable (String) -> Void
    /// How many connections one node may hold at once: a laptop needs one, a retry may briefly
    /// overlap it; more is a fault or an attack, and must not eat the server's connection limit.
    public let maxConnectionsPerNode: Int
    /// The outgoing queue per connection past which a pull waits for the network (see `central serve`).
    public static let writeHighWaterMark = 32 << 10
    /// What the kernel may hold unsent per connection (TCP_NOTSENT_LOWAT), for the same reason.
    public static let unsentSocketBytes = 16 << 10
    /// How often the node table is polled for revocations made by other processes.
    public static let revocationCheckMilliseconds: UInt64 = 500
    private var openConnections: [String: Int] = [:]
    private var admitted: [ObjectIdentifier: SyncPeer] = [:]
    let desk: SyncDesk
    /// Connections come to enroll, each with the deadline for its `enroll`.
    private var enrolling: [ObjectIdentifier: (peer: SecureSession.Peer, deadline: LoopTimer)] = [:]
    /// How long an enrolling node has to send `enroll`: a laptop sends it at once.
    public static let enrollDeadlineMilliseconds: UInt64 = 10_000
    private var revocationWatch: LoopTimer?

    /// - Parameter central: the server's own connection to the central's data (used on the loop).
    public init(central: Central, nodes: NodeDirectory, centralName: String, maxConnectionsPerNode: Int = 4,
                log: @escaping @Sendable (String) -> Void) {
        desk = SyncDesk(central: central)
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
            guard peer.hello.node != 0 else { return ChannelError(.malformedMessage, "node id 0 is not an id") }
            guard peer.hello.node != desk.central.node.rawValue else {
                return ChannelError(.enrollmentRefused, "node id \(desk.central.node.hex) is the central's own; start again with a fresh data directory")
            }
            // A key already registered comes back only to finish an enrollment whose `enrolled`
            // was lost (wire §8.4): with the node id it registered, unrevoked. `redeem` then
            // answers it again if its token is the one that key used; anything else is refused.
            if let node, UInt64(node.id, radix: 16) != peer.hello.node || node.revokedAt != nil {
                return ChannelError(.enrollmentRefused, node.revokedAt.map { "node \(node.id) was revoked at \($0); it cannot enroll again" }
                                    ?? "this key is already enrolled as node \(node.id)")
            }
            awaitEnrollment(from: peer, on: connection)
            return nil
        }
        guard let node else {
            return ChannelError(.unknownNode,
                "this node's key is not enrolled at \(centralName); ask the certification body for an enrollment token")
        }
        if node.revokedAt != nil { return revokedAnswer(node) }
        let claimed = Hex.encode(peer.hello.node)
        guard UInt64(node.id, radix: 16) == peer.hello.node else {
            return ChannelError(.keyMismatch, "the key belongs to node \(node.id), not \(claimed)")
        }
        guard openConnections[node.id, default: 0] < maxConnectionsPerNode else {
            return ChannelError(.busy, "node \(node.id) already has \(maxConnectionsPerNode) connections open; close one and retry")
        }
        // A failed note of the visit must not refuse a node that is otherwise welcome.
        do { try nodes.markSeen(node.id) } catch { log("cannot note node \(node.id)'s visit: \(error)") }
        openConnections[node.id, default: 0] += 1
        admitted[ObjectIdentifier(connection)] = SyncPeer(connection: connection, node: NodeID(rawValue: peer.hello.node),
                                                          auditor: node.auditor)
        watchRevocations(on: connection.loop)
        return nil
    }

    public func received(_ message: WireMessage, on connection: SecureConnection) {
        if let (peer, deadline) = enrolling.removeValue(forKey: ObjectIdentifier(connection)) {
            deadline.close()
            return enroll(message, from: peer, on: connection)
        }
        guard let peer = admitted[ObjectIdentifier(connection)] else { return }
        do {
            switch message.type {
            case .ping:
                connection.send(WireMessage(.pong, message.payload))
            case .pong:
                break
            case .error:
                let error = (try? ChannelError(payload: message.payload)).map { "\($0)" } ?? "malformed error message"
                log("\(connection.address) reported: \(error)")
                connection.close(reason: "the node reported an error: \(error)")
            case .resume:
                let request = try ResumeRequest(payload: message.payload)
                if let refusal = try desk.central.registerRecordKey(request.recordKey, for: peer.node) {
                    log("refused node \(peer.node.hex): \(refusal)")
                    return connection.close(error: refusal)
                }
                let answer = try desk.resume(request, from: peer.node)
                peer.resumed = answer
                if answer.restored {
                    log("node \(peer.node.hex) synced with an earlier log; its cursor is read as \(answer.cursor) and it gives back what this central lost")
                }
                connection.send(answer.message)
            case .push:
                let answer = try desk.push(try RecordBatch(payload: message.payload, what: "push"), from: peer.node, auditor: peer.auditor)
                peer.pushed += Int(answer.accepted)
                connection.send(answer.message)
            case .relay:
                guard peer.resumed?.restored == true else {
                    throw SyncRefusal(reason: "`relay` is taken only from a node whose cursor a restore moved back")
                }
                let answer = try desk.relay(try RecordBatch(payload: message.payload, what: "relay"), from: peer.node)
                peer.relayed += Int(answer.accepted)
                connection.send(answer.message)
            case .pull:
                guard peer.resumed != nil else { throw SyncRefusal(reason: "a sync session begins with `resume`") }
                guard peer.pull == nil || peer.pull!.isDone else {
                    return connection.close(error: ChannelError(.malformedMessage, "a pull while another is under way"))
                }
                peer.pull?.cancel()
                peer.pull = try PullStream(desk: desk, node: peer.node, auditor: peer.auditor,
                                           request: try PullRequest(payload: message.payload))
                try peer.pull!.pump(connection, onFailure: syncFailed(peer))
            case .offer:
                try answerOffer(BlobList(payload: message.payload, what: "offer"), from: peer)
            case .blob:
                try receivePiece(BlobPiece(payload: message.payload), from: peer)
            case .missing:
                peer.wanted.removeValue(forKey: Hex.encode(try BlobMissing(payload: message.payload).digest))
            case .want:
                try sendBlobs(BlobList(payload: message.payload, what: "want"), to: peer)
            case .enroll:
                connection.close(error: ChannelError(.malformedMessage, "this node is already enrolled"))
            case .enrolled, .pushed, .records, .pulled, .keys, .statusLists, .resumed, .pulling:
                connection.close(error: ChannelError(.malformedMessage, "only a central sends `\(message.type)`"))
            }
        } catch let error as FramingError {
            connection.close(error: ChannelError(.malformedMessage, "\(error)"))
        } catch let error as SyncRefusal {
            connection.close(error: ChannelError(.malformedMessage, error.reason))
        } catch let failure as StorageFailure {
            log("the central's storage failed: cannot store \(failure.what) from node \(peer.node.hex): \(failure.error)")
            connection.close(error: ChannelError(.storageFull,
                "the central's disk is full: it could not store \(failure.what), and kept nothing of it; sync again later"))
        } catch {
            syncFailed(peer)(error)
        }
    }

    /// Closes a peer's connection after its sync failed on the central's side (storage): a full
    /// disk is said as such (the operator must act), anything else as "try again later".
    private func syncFailed(_ peer: SyncPeer) -> (Error) -> Void {
        { [log] error in
            if (error as? ReplicaError)?.isStorageFull == true {
                log("sync with node \(peer.node.hex) failed: this central's disk is full (\(error)); free space")
                peer.connection.close(error: ChannelError(.storageFull,
                    "the central's disk is full; nothing of this step was kept; sync again once its operators freed space"))
                return
            }
            log("sync with node \(peer.node.hex) failed: \(error)")
            peer.connection.close(error: ChannelError(.busy, "the central cannot sync right now (\(error)); sync again later"))
        }
    }

    public func becameWritable(_ connection: SecureConnection) {
        guard let peer = admitted[ObjectIdentifier(connection)] else { return }
        do {
            if let pull = peer.pull, !pull.isDone { try pull.pump(connection, onFailure: syncFailed(peer)) }
            if let blobs = peer.blobs, !blobs.isFinished { try blobs.pump(connection) }
        } catch {
            syncFailed(peer)(error)
        }
    }

    public func closed(_ connection: SecureConnection, reason: String) {
        enrolling.removeValue(forKey: ObjectIdentifier(connection))?.deadline.close()
        guard let peer = admitted.removeValue(forKey: ObjectIdentifier(connection)) else { return }
        peer.pull?.cancel()
        for slot in peer.wanted.values { slot.incoming?.discard() }
        if peer.pushed > 0 || peer.relayed > 0 || (peer.pull?.sent ?? 0) > 0 || peer.blobsIn > 0 || (peer.blobs?.sent ?? 0) > 0 {
            log("node \(peer.node.hex) synced: \(peer.pushed) records\(peer.relayed > 0 ? " (and \(peer.relayed) relayed)" : "") and \(peer.blobsIn) blobs in, "
                + "\(peer.pull?.sent ?? 0) records and \(peer.blobs?.sent ?? 0) blobs out")
        }
        let node = peer.node.hex
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

    /// What a revoked node is told: the laptop deletes what it holds on this answer, and shows
    /// its words to the auditor, so they say when and why.
    private func revokedAnswer(_ node: RegisteredNode) -> ChannelError {
        ChannelError(.revokedNode, "node \(node.id) was revoked on \(node.revokedAt ?? "an unrecorded date")"
                     + (node.revokeReason.map { ": \($0)" } ?? ""))
    }

    private func cutRevokedConnections() {
        do {
            guard try nodes.changedSinceLastCheck() else { return }
            for peer in admitted.values {
                let (connection, id) = (peer.connection, peer.node.hex)
                guard let node = try nodes.node(withID: id), let revokedAt = node.revokedAt else { continue }
                log("cutting node \(id)'s connection from \(connection.address): revoked at \(revokedAt)")
                connection.close(error: revokedAnswer(node))
            }
        } catch {
            log("cannot check revocations: \(error)")
        }
    }
}
