import Crypto
import Foundation

/// A blob arriving in pieces from another node: written to `tmp/` and hashed as it comes, so a
/// large file never sits in memory; stored under its name only when whole and matching it.
public final class IncomingBlob {
    public let sha256: String
    public let size: Int64
    public private(set) var received: Int64 = 0
    private let store: EvidenceStore
    private let temporary: URL
    private let output: FileHandle
    private var hasher = SHA256()
    private var settled = false

    init(store: EvidenceStore, sha256: String, size: Int64, temporary: URL) throws {
        self.store = store
        self.sha256 = sha256
        self.size = size
        self.temporary = temporary
        do {
            output = try FileHandle(forWritingTo: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw EvidenceError.unwritable(temporary.path)
        }
    }

    deinit {
        if !settled { discard() }
    }

    public var isComplete: Bool { received == size }

    /// Appends the piece that starts at `offset`; pieces must come in order, without gaps.
    public func append(_ bytes: [UInt8], at offset: Int64) throws {
        guard offset == received, received + Int64(bytes.count) <= size else {
            throw EvidenceError.outOfOrder(sha256, expected: received, got: offset)
        }
        hasher.update(data: bytes)
        do {
            try output.write(contentsOf: bytes)
        } catch {
            throw EvidenceError.unwritable(temporary.path)
        }
        received += Int64(bytes.count)
    }

    /// Checks the hash, syncs, and stores the blob under its name.
    public func finish() throws -> EvidenceStore.Blob {
        precondition(isComplete, "finish a blob once every byte arrived")
        let digest = EvidenceStore.hex(hasher.finalize())
        guard digest == sha256 else {
            discard()
            throw EvidenceError.hashMismatch(expected: sha256, actual: digest)
        }
        do {
            try output.synchronize()
            try output.close()
            try store.settle(temporary, as: digest)
        } catch {
            discard()
            if error is EvidenceError { throw error }
            throw EvidenceError.unwritable(temporary.path)
        }
        settled = true
        return EvidenceStore.Blob(sha256: digest, size: size)
    }

    /// Drops what arrived (a cut connection): nothing is stored.
    public func discard() {
        settled = true
        try? output.close()
        try? FileManager.default.removeItem(at: temporary)
    }
}

extension EvidenceStore {
    /// Starts receiving the blob named `sha256`, `size` bytes long.
    public func receiving(_ sha256: String, size: Int64) throws -> IncomingBlob {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw EvidenceError.hashMismatch(expected: "a SHA-256 in lowercase hex", actual: sha256)
        }
        return try IncomingBlob(store: self, sha256: sha256, size: size, temporary: try makeTemporaryFile())
    }

    /// The size of a stored blob, or nil when absent.
    public func size(of sha256: String) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: url(for: sha256).path)[.size] as? NSNumber)?.int64Value
    }
}
