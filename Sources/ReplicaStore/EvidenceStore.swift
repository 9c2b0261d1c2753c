import Crypto
import Foundation
import HexEncoding

/// Evidence files kept by content: each file is stored once under its SHA-256, so the same
/// photo attached twice costs nothing and a stored file can always be checked against its name.
///
/// Layout: `ROOT/sha256/ab/abcdef…` (the first two hex digits fan the files out). A file is
/// hashed while it is copied into `ROOT/tmp/`, synced, then renamed into place and the directory
/// synced: a crash or power cut leaves at worst a stray temporary file, never a half-written
/// blob under a valid name.
public struct EvidenceStore: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// A stored blob: its SHA-256 in lowercase hex and its size in bytes.
    public struct Blob: Equatable, Sendable {
        public let sha256: String
        public let size: Int64
    }

    /// Copies the file at `source` into the store.
    public func add(fileAt source: URL) throws -> Blob {
        guard let input = FileHandle(forReadingAtPath: source.path) else { throw EvidenceError.unreadable(source.path) }
        defer { try? input.close() }
        let temporary = try makeTemporaryFile()
        do {
            let output = try FileHandle(forWritingTo: temporary)
            defer { try? output.close() }
            var hasher = SHA256()
            var size: Int64 = 0
            while true {
                let chunk: Data
                do {
                    chunk = try input.read(upToCount: 256 * 1024) ?? Data()
                } catch {
                    throw EvidenceError.unreadable(source.path)
                }
                if chunk.isEmpty { break }
                hasher.update(data: chunk)
                try output.write(contentsOf: chunk)
                size += Int64(chunk.count)
            }
            // On disk before it gets its name: after a power cut a blob is whole or absent.
            try output.synchronize()
            let digest = EvidenceStore.hex(hasher.finalize())
            try settle(temporary, as: digest)
            return Blob(sha256: digest, size: size)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if error is EvidenceError { throw error }
            throw EvidenceError.unwritable(temporary.path)
        }
    }

    /// Stores bytes received from elsewhere, refusing them unless they hash to `sha256`.
    public func add(_ bytes: [UInt8], expecting sha256: String) throws -> Blob {
        let digest = EvidenceStore.hex(SHA256.hash(data: bytes))
        guard digest == sha256 else { throw EvidenceError.hashMismatch(expected: sha256, actual: digest) }
        let temporary = try makeTemporaryFile()
        do {
            let output = try FileHandle(forWritingTo: temporary)
            defer { try? output.close() }
            try output.write(contentsOf: bytes)
            try output.synchronize()
            try settle(temporary, as: digest)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if error is EvidenceError { throw error }
            throw EvidenceError.unwritable(temporary.path)
        }
        return Blob(sha256: digest, size: Int64(bytes.count))
    }

    public func contains(_ sha256: String) -> Bool {
        FileManager.default.fileExists(atPath: url(for: sha256).path)
    }

    /// Where the blob lives (whether or not it is there yet).
    public func url(for sha256: String) -> URL {
        root.appendingPathComponent("sha256")
            .appendingPathComponent(String(sha256.prefix(2)))
            .appendingPathComponent(sha256)
    }

    /// Re-hashes a stored blob: true when the file is present and intact.
    public func verify(_ sha256: String) -> Bool {
        condition(of: sha256) == .intact
    }

    func makeTemporaryFile() throws -> URL {
        let directory = root.appendingPathComponent("tmp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            // A full or broken disk is a storage problem whatever Foundation calls it.
            throw EvidenceError.unwritable(directory.path)
        }
        // Named by the process writing it, so a later start can tell a temporary that a killed
        // process left from one a live process is still writing (`removeAbandonedTemporaries`).
        let file = directory.appendingPathComponent("\(getpid())-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else { throw EvidenceError.unwritable(file.path) }
        return file
    }

    func settle(_ temporary: URL, as sha256: String) throws {
        let destination = url(for: sha256)
        if FileManager.default.fileExists(atPath: destination.path) {
            try FileManager.default.removeItem(at: temporary)
            return
        }
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        // rename(2) is atomic: readers see no file or the whole file.
        guard rename(temporary.path, destination.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw EvidenceError.unwritable(destination.path)
        }
        // The new name is durable only once its directory is.
        let directory = open(destination.deletingLastPathComponent().path, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        Hex.encode(digest)
    }
}

public enum EvidenceError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case unwritable(String)
    case hashMismatch(expected: String, actual: String)
    case outOfOrder(String, expected: Int64, got: Int64)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read evidence file \(path); check the path and its permissions"
        case .unwritable(let path): "cannot write \(path); check free disk space and permissions of the data directory"
        case .hashMismatch(let expected, let actual):
            "evidence content does not match its name (expected SHA-256 \(expected), got \(actual)); it was not stored"
        case .outOfOrder(let sha256, let expected, let got):
            "evidence \(sha256) arrived out of order (byte \(got), expected \(expected)); it was not stored"
        }
    }
}
