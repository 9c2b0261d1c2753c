import AuditReplica
import Foundation
import HexEncoding
import ReplicaStore
import Transport
import WireProtocol

extension SyncDesk {
    /// What `auditor`'s node may move of evidence (`EvidenceAccess`), read once per message:
    /// the files the evidence records of its readable audits name (and which of those records
    /// its auditor wrote), and which of those audits each file is held for.
    func evidenceAccess(of auditor: String) throws -> EvidenceAccess {
        let nodes = Set(try central.nodes().filter { $0.auditor == auditor }.map(\.id))
        let audits = try visibleAudits(of: auditor)
        var named: [String: Set<String>] = [:]
        var own: [String: Set<String>] = [:]
        for audit in audits {
            for state in try store.fieldStates(entity: AuditSchema.Entity.evidence, in: KeyScope(audit))
            where state.id.field == AuditSchema.EvidenceField.sha256 {
                guard let name = state.value.text else { continue }
                named[name, default: []].insert(audit)
                if nodes.contains(state.timestamp.node.hex) { own[name, default: []].insert(audit) }
            }
        }
        return EvidenceAccess(named: named, ownRecords: own, held: try central.evidenceHeld(for: audits),
                              stored: { [evidence] in evidence.contains($0) })
    }

    var evidence: EvidenceStore { central.replica.evidence }
}

/// Blobs on their way to one field node, a piece at a time while the connection has room.
///
/// Each blob is re-hashed before its first piece goes out: a damaged file (bit rot, a tool
/// that touched it) sent under its name would be refused by the node at its last byte, at every
/// sync. It is set aside in `blobs/quarantine/` instead and said `missing`; the central then
/// lacks it, so it asks for it again when the next laptop offers it. The hash runs on the loop
/// thread, as the reads of the pieces do: about a second per gigabyte, once per blob sent.
final class BlobSender {
    private let evidence: EvidenceStore
    private var queue: [String]
    private var current: OutgoingBlob?
    private let log: (String) -> Void
    private(set) var sent = 0

    init(evidence: EvidenceStore, names: [String], log: @escaping (String) -> Void) {
        self.evidence = evidence
        queue = names
        self.log = log
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
                if let damaged = evidence.setAsideIfDamaged(name) {
                    log("not sent: " + damaged.operatorNote)
                    connection.send(BlobMissing(digest: Hex.decode(name)!).message)
                    continue
                }
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
