import MergeCore
import ReplicaStore
import Transport
import WireProtocol

/// An admitted field node's connection and its sync state.
final class SyncPeer {
    let connection: SecureConnection
    let node: NodeID
    let auditor: String
    var pushed = 0
    var relayed = 0
    /// What `resume` answered: a session begins with it.
    var resumed: ResumeAnswer?
    var pull: PullStream?
    /// Blobs the central asked this node for: what arrived of each so far, and the audits the
    /// blob is held for once whole (`EvidenceAccess.wanted`).
    var wanted: [String: (audits: Set<String>, incoming: IncomingBlob?)] = [:]
    var blobsIn = 0
    var blobs: BlobSender?

    init(connection: SecureConnection, node: NodeID, auditor: String) {
        self.connection = connection
        self.node = node
        self.auditor = auditor
    }
}
