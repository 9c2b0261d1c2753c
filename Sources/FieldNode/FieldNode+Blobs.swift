import AuditReplica
import Foundation
import HexEncoding
import ReplicaStore
import WireProtocol

/// Evidence files in a sync: offered up after the push (the central asks for what it lacks),
/// fetched after the pull (this node asks for what its records name and it lacks).
extension FieldNode {
    var evidence: EvidenceStore { EvidenceStore(root: directory.appendingPathComponent("blobs")) }

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
        for digest in wanted.digests {
            let name = Hex.encode(digest)
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
        for start in stride(from: 0, to: lacking.count, by: Self.blobsPerList) {
            let part = Array(lacking[start..<min(start + Self.blobsPerList, lacking.count)])
            try channel.send(BlobList(digests: part.compactMap { Hex.decode($0) }).message(.want))
            try receive(Set(part), on: channel, into: &summary, progress: progress)
        }
    }

    /// Takes blob pieces until every blob in `pending` arrived whole or was said to be missing.
    private func receive(_ pending: Set<String>, on channel: BlockingChannel, into summary: inout SyncSummary,
                         progress: (String) -> Void) throws {
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
                    _ = try blob.finish()
                    incoming.removeValue(forKey: name)
                    pending.remove(name)
                    summary.blobs += 1
                    progress("received evidence \(name.prefix(12))… (\(blob.size) bytes)")
                } else {
                    incoming[name] = blob
                }
            case .missing:
                let name = Hex.encode(try BlobMissing(payload: message.payload).digest)
                pending.remove(name)
                summary.missingBlobs.append(name)
            case .error:
                throw FieldError.centralRefused(try ChannelError(payload: message.payload), step: "fetch")
            default:
                throw FieldError.unexpectedAnswer("a \(message.type) message while evidence was coming")
            }
        }
    }
}
