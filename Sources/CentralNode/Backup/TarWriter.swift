import Foundation

/// Writes a ustar archive to a new file, member by member, streaming file contents in 1 MiB
/// pieces so that large evidence never sits in memory. The file is created owner-only and
/// exclusively (never over an existing one), and synced by `finish`.
final class TarWriter {
    let path: String
    private let descriptor: Int32
    private(set) var bytesWritten: Int64 = 0

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(creating path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
    }

    deinit {
        close(descriptor)
    }

    func addDirectory(_ name: String, mode: Int = 0o700) throws {
        try write(try TarHeader.encode(name: name, kind: .directory, size: 0, mode: mode, modified: Self.now))
    }

    /// Copies the file at `source` into the archive as `name`.
    func addFile(_ source: URL, as name: String, mode: Int = 0o600) throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: source.path)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = Int64((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        guard let input = FileHandle(forReadingAtPath: source.path) else { throw Failure(description: "cannot read \(source.path)") }
        defer { try? input.close() }
        try write(try TarHeader.encode(name: name, kind: .file, size: size, mode: mode, modified: modified))
        var copied: Int64 = 0
        while copied < size {
            let piece = try input.read(upToCount: Int(min(1 << 20, size - copied))) ?? Data()
            guard !piece.isEmpty else { throw Failure(description: "\(source.path) shrank while it was copied") }
            try write([UInt8](piece))
            copied += Int64(piece.count)
        }
        try write(TarHeader.padding(after: size))
    }

    /// Ends the archive and syncs it to disk.
    func finish() throws {
        try write(TarHeader.end)
        guard fsync(descriptor) == 0 else { throw Failure(description: "cannot sync \(path): \(String(cString: strerror(errno)))") }
    }

    private func write(_ bytes: [UInt8]) throws {
        if let problem = writeAll(bytes, to: descriptor) { throw Failure(description: "cannot write \(path): \(problem)") }
        bytesWritten += Int64(bytes.count)
    }

    private static var now: Int64 { Int64(Date().timeIntervalSince1970) }
}
