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
    private var current: (name: String, file: FileHandle, size: Int64, offset: Int64)?
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
                guard let size = evidence.size(of: name), let file = FileHandle(forReadingAtPath: evidence.url(for: name).path) else {
                    connection.send(BlobMissing(digest: Hex.decode(name)!).message)
                    continue
                }
                current = (name, file, size, 0)
            }
            guard let (name, file, size, offset) = current else { return }
            let bytes = [UInt8](try file.read(upToCount: Int(min(Int64(BlobFormat.maxPiece), size - offset))) ?? Data())
            guard !bytes.isEmpty || size == 0 else { throw EvidenceError.unreadable(evidence.url(for: name).path) }
            connection.send(BlobPiece(digest: Hex.decode(name)!, size: UInt64(size), offset: UInt64(offset), bytes: bytes).message)
            let next = offset + Int64(bytes.count)
            if next >= size {
                try? file.close()
                current = nil
                sent += 1
            } else {
                current = (name, file, size, next)
            }
        }
    }
}
