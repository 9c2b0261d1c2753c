import AuditReplica
import Foundation
import HexEncoding
import ReplicaStore
import Transport
import WireProtocol

extension SyncDesk {
    /// Every evidence blob named in the audits `auditor` is on: the only blobs a node of theirs
    /// may send to the central or fetch from it.
    func referencedBlobs(of auditor: String) throws -> Set<String> {
        var names: Set<String> = []
        for audit in try visibleAudits(of: auditor) {
            for state in try store.fieldStates(entity: AuditSchema.Entity.evidence, in: KeyScope(audit))
            where state.id.field == AuditSchema.EvidenceField.sha256 {
                if let name = state.value.text { names.insert(name) }
            }
        }
        return names
    }

    var evidence: EvidenceStore { central.replica.evidence }
}

/// Blobs on their way to one field node, a piece at a time while the connection has room.
final class BlobSender {
    private let evidence: EvidenceStore
    private var queue: [String]
    private var current: OutgoingBlob?
    private(set) var sent = 0

    init(evidence: EvidenceStore, names: [String]) {
        self.evidence = evidence
        queue = names
    }

    var isFinished: Bool { queue.isEmpty && current == nil }

    /// More blobs asked for while these are still going out: they follow in order.
    func enqueue(_ names: [String]) {
        queue += names
    }

    func pump(_ connection: SecureConnection) throws {
        while connection.isWritable, !connection.isClosing {
            if current == nil {
                guard !queue.isEmpty else { return }
                let name = queue.removeFirst()
                guard let blob = evidence.sending(name) else {
                    connection.send(BlobMissing(digest: Hex.decode(name)!).message)
                    continue
                }
                current = blob
            }
            guard let blob = current else { return }
            let (offset, bytes) = try blob.nextPiece(maxBytes: BlobFormat.maxPiece)
            connection.send(BlobPiece(digest: Hex.decode(blob.sha256)!, size: UInt64(blob.size), offset: UInt64(offset),
                                      bytes: bytes).message)
            if blob.isFinished {
                current = nil
                sent += 1
            }
        }
    }
}
