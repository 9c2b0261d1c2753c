import HexEncoding
import ReplicaStore
import Transport
import WireProtocol

/// A sync message that breaks the session's rules (a blob nobody asked for, say).
struct SyncRefusal: Error {
    let reason: String
}

/// What a node sent that the central could not store: its own storage failed (a full disk,
/// most often), not the node. Closes with `storageFull`, never with `malformedMessage`.
struct StorageFailure: Error {
    /// What could not be stored, for the log: `evidence <sha256>`.
    let what: String
    let error: Error
}

// MARK: Blobs

extension CentralServer {
    /// Asks for the offered blobs the node's audits name and the central cannot already serve
    /// to it (`EvidenceAccess`): a file held only for other audits is asked for as if unknown.
    func answerOffer(_ offer: BlobList, from peer: SyncPeer) throws {
        let access = try desk.evidenceAccess(of: peer.auditor)
        var wanted: [[UInt8]] = []
        for digest in offer.digests {
            let name = Hex.encode(digest)
            guard let audits = access.wanted(name), peer.wanted[name] == nil else { continue }
            peer.wanted[name] = (audits, nil)
            wanted.append(digest)
        }
        peer.connection.send(BlobList(digests: wanted).message(.want))
    }

    func receivePiece(_ piece: BlobPiece, from peer: SyncPeer) throws {
        let name = Hex.encode(piece.digest)
        guard let slot = peer.wanted[name] else { throw SyncRefusal(reason: "blob \(name) was not asked for") }
        do {
            let incoming = try slot.incoming ?? desk.evidence.receiving(name, size: Int64(piece.size))
            guard incoming.size == Int64(piece.size) else { throw SyncRefusal(reason: "blob \(name) changed its size") }
            try incoming.append(piece.bytes, at: Int64(piece.offset))
            if incoming.isComplete {
                _ = try incoming.finish()
                peer.wanted.removeValue(forKey: name)
                peer.blobsIn += 1
                // Stored first: a file is never said held for an audit while it is not here.
                do {
                    try desk.central.holdEvidence(name, for: slot.audits)
                } catch {
                    throw StorageFailure(what: "evidence \(name)", error: error)
                }
            } else {
                peer.wanted[name] = (slot.audits, incoming)
            }
        } catch let error as EvidenceError {
            peer.wanted.removeValue(forKey: name)
            // Only a wrong hash, size or order is the node's fault; a write that failed is ours.
            if case .unwritable = error { throw StorageFailure(what: "evidence \(name)", error: error) }
            throw SyncRefusal(reason: "\(error)")
        }
    }

    /// Sends what the node asks for among the blobs held for its audits; `missing` for the rest,
    /// the same answer as for a file the central never had.
    func sendBlobs(_ request: BlobList, to peer: SyncPeer) throws {
        let access = try desk.evidenceAccess(of: peer.auditor)
        var names: [String] = []
        for digest in request.digests {
            let name = Hex.encode(digest)
            if access.mayFetch(name) {
                names.append(name)
            } else {
                peer.connection.send(BlobMissing(digest: digest).message)
            }
        }
        if let sender = peer.blobs, !sender.isFinished {
            sender.enqueue(names)
        } else {
            peer.blobs = BlobSender(evidence: desk.evidence, names: names, log: log)
        }
        try peer.blobs!.pump(peer.connection)
    }
}
