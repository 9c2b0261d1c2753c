import Foundation

/// A stored blob going out to another node in pieces, read from disk as they are sent: the
/// counterpart of `IncomingBlob`, for the central's sender and the field node's alike.
public final class OutgoingBlob {
    public let sha256: String
    public let size: Int64
    public private(set) var offset: Int64 = 0
    private let file: FileHandle
    private let path: String

    init?(store: EvidenceStore, sha256: String) {
        let url = store.url(for: sha256)
        guard let size = store.size(of: sha256), let file = FileHandle(forReadingAtPath: url.path) else { return nil }
        self.sha256 = sha256
        self.size = size
        self.file = file
        path = url.path
    }

    deinit {
        try? file.close()
    }

    /// Every byte went out (an empty blob still goes out as one empty piece).
    public private(set) var isFinished = false

    /// The next piece of at most `maxBytes` bytes and where it starts.
    public func nextPiece(maxBytes: Int) throws -> (offset: Int64, bytes: [UInt8]) {
        precondition(!isFinished, "no piece after the last")
        let start = offset
        let bytes = [UInt8](try file.read(upToCount: Int(min(Int64(maxBytes), size - offset))) ?? Data())
        guard !bytes.isEmpty || size == 0 else { throw EvidenceError.unreadable(path) }
        offset += Int64(bytes.count)
        isFinished = offset >= size
        return (start, bytes)
    }
}

extension EvidenceStore {
    /// The stored blob named `sha256`, ready to go out in pieces; nil when it is not here.
    public func sending(_ sha256: String) -> OutgoingBlob? {
        OutgoingBlob(store: self, sha256: sha256)
    }
}
