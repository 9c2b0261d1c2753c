import AuditReplica
import Foundation
import HexEncoding
import ReplicaStore
import WireProtocol

/// Evidence files in a sync: offered up after the push (the central asks for what it lacks),
/// fetched after the pull (this node asks for what its records name and it lacks).
extension FieldNode {
    var evidence: EvidenceStore { EvidenceStore(root: directory.appendingPathComponent("blobs")) }

    /// Removes the partial evidence files that a killed process (a sync cut mid-download) left
    /// in `blobs/tmp/`; one a running process is writing (`field evidence add`) stays.
    @discardableResult
    public func removeAbandonedTemporaries() -> Int {
        evidence.removeAbandonedTemporaries()
    }

    /// The blobs this replica's evidence records name (for tests and reports).
    public func referencedBlobsForTesting() throws -> [String] { try referencedBlobs() }

    /// The blobs this replica's evidence records name, sorted.
    func referencedBlobs() throws -> [String] {
        Set(try store.fieldStates(entity: AuditSchema.Entity.evidence)
            .filter { $0.id.field == AuditSchema.EvidenceField.sha256 }
            .compactMap { $0.value.text }).sorted()
    }

    func offerBlobs(on channel: BlockingChannel, into summary: inout SyncSummary, progress: (String) -> Void) throws {
        let held = try referencedBlobs().filter { evidence.contains($0) }.compactMap { Hex.decode($0) }
        for start in stride(from: 0, to: held.count, by: Self.blobsPerList) {
            let offer = Array(held[start..<min(start + Self.blobsPerList, held.count)])
            try channel.send(BlobList(digests: offer).message(.offer))
            let wanted = try BlobList(payload: try expect(.want, from: channel).payload, what: "want")
            try send(wanted, on: channel, into: &summary, progress: progress)
        }
    }

    /// Lists go out in parts, each answered before the next: no list passes the format's limit.
    static let blobsPerList = 65_536

    private func send(_ wanted: BlobList, on channel: BlockingChannel, into summary: inout SyncSummary,
                      progress: (String) -> Void) throws {
        var references: [String: [EvidenceReference]]?
        for digest in wanted.digests {
            let name = Hex.encode(digest)
            // Only what the central asks for is re-hashed, so a sync with nothing to upload reads
            // no evidence file. A damaged one is set aside and said `missing`: sending it would
            // end the session (the central closes on a wrong hash) at every sync to come.
            if let found = evidence.setAsideIfDamaged(name) {
                if references == nil { references = try evidenceReferences() }
                let damaged = try describe(found, references: references ?? [:])
                summary.quarantined.append(damaged)
                try channel.send(BlobMissing(digest: digest).message)
                progress("evidence \(name.prefix(12))… is damaged; not sent, "
                         + (damaged.keptAt.map { "set aside as \($0)" } ?? "left in place"))
                continue
            }
            guard let blob = evidence.sending(name) else {
                try channel.send(BlobMissing(digest: digest).message)
                continue
            }
            repeat {
                let (offset, bytes) = try blob.nextPiece(maxBytes: BlobFormat.maxPiece)
                try channel.send(BlobPiece(digest: digest, size: UInt64(blob.size), offset: UInt64(offset), bytes: bytes).message)
            } while !blob.isFinished
            summary.blobs += 1
            progress("sent evidence \(name.prefix(12))… (\(blob.size) bytes)")
        }
    }

    func fetchBlobs(on channel: BlockingChannel, into summary: inout SyncSummary, progress: (String) -> Void) throws {
        let lacking = try referencedBlobs().filter { !evidence.contains($0) }
        // Copies set aside here (at this sync's offer, by `field check`, at an earlier sync):
        // whether a good one comes down for each is what the auditor needs to know.
        let setAside = lacking.isEmpty ? [:] : evidence.quarantinedCopies()
        for start in stride(from: 0, to: lacking.count, by: Self.blobsPerList) {
            let part = Array(lacking[start..<min(start + Self.blobsPerList, lacking.count)])
            try channel.send(BlobList(digests: part.compactMap { Hex.decode($0) }).message(.want))
            try receive(Set(part), setAside: setAside, on: channel, into: &summary, progress: progress)
        }
    }

    /// Takes blob pieces until every blob in `pending` arrived whole or was said to be missing.
    private func receive(_ pending: Set<String>, setAside: [String: [URL]], on channel: BlockingChannel,
                         into summary: inout SyncSummary, progress: (String) -> Void) throws {
        var pending = pending
        var incoming: [String: IncomingBlob] = [:]
        while !pending.isEmpty {
            let message = try channel.receive()
            switch message.type {
            case .blob:
                let piece = try BlobPiece(payload: message.payload)
                let name = Hex.encode(piece.digest)
                guard pending.contains(name) else { throw FieldError.unexpectedAnswer("evidence \(name) nobody asked for") }
                let blob = try incoming[name] ?? evidence.receiving(name, size: Int64(piece.size))
                try blob.append(piece.bytes, at: Int64(piece.offset))
                if blob.isComplete {
                    incoming.removeValue(forKey: name)
                    pending.remove(name)
                    do {
                        _ = try blob.finish()
                    } catch EvidenceError.hashMismatch(_, _) {
                        // Not stored, so still lacking: the next sync asks again. The rest goes on.
                        try note(name, .dropped, keptAt: nil, in: &summary)
                        progress("evidence \(name.prefix(12))… arrived damaged; dropped")
                        continue
                    }
                    summary.blobs += 1
                    if setAside[name] != nil { try note(name, .restored, keptAt: setAside[name], in: &summary) }
                    progress("received evidence \(name.prefix(12))… (\(blob.size) bytes)")
                } else {
                    incoming[name] = blob
                }
            case .missing:
                let name = Hex.encode(try BlobMissing(payload: message.payload).digest)
                pending.remove(name)
                if setAside[name] != nil {
                    try note(name, .lost, keptAt: setAside[name], in: &summary)
                } else {
                    summary.missingBlobs.append(name)
                }
            case .error:
                throw FieldError.centralRefused(try ChannelError(payload: message.payload), step: "fetch")
            default:
                throw FieldError.unexpectedAnswer("a \(message.type) message while evidence was coming")
            }
        }
    }
}
