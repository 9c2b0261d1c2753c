import Foundation
import SQLiteKit

/// What a backup holds.
public struct BackupSummary: Sendable {
    public let path: String
    public let bytes: Int64
    public let records: Int
    public let blobs: Int
}

extension Central {
    /// Writes the whole central — a consistent snapshot of `central.sqlite`, its keys and every
    /// evidence blob — into one tar file, while the server keeps running.
    ///
    /// The database is copied with `VACUUM INTO`, which reads one snapshot even as other
    /// connections commit. Blobs are added afterwards: they are written before the records that
    /// name them and never change, so every blob the snapshot refers to is there. The archive is
    /// written beside `destination` under a temporary name, synced, then renamed: a backup that
    /// exists is complete. Restore with `mkdir -m 700 DIR && tar xf FILE -C DIR`.
    public func backup(to destination: URL) throws -> BackupSummary {
        let fileManager = FileManager.default
        guard !fileManager.fileExists(atPath: destination.path) else { throw CentralError.backupExists(destination.path) }
        let folder = destination.deletingLastPathComponent()
        let partial = folder.appendingPathComponent(".\(destination.lastPathComponent).partial-\(getpid())")
        // The snapshot is made inside the data directory (owner-only), not beside the backup.
        let snapshot = directory.appendingPathComponent(".backup-snapshot-\(getpid()).sqlite")
        defer {
            try? fileManager.removeItem(at: snapshot)
            try? fileManager.removeItem(at: partial)
        }
        do {
            let copy = try database.prepare("VACUUM INTO ?1")
            copy.bind(1, snapshot.path)
            try copy.run()
            let records = try Self.recordCount(inSnapshot: snapshot)

            let archive = try TarWriter(creating: partial.path)
            try archive.addFile(snapshot, as: Central.databaseName)
            // Every key: the channel's static key and the certificate signing key (whoever
            // restores the backup is this central, and can go on signing).
            try archive.addDirectory("keys")
            let keys = directory.appendingPathComponent("keys")
            for name in try FileManager.default.contentsOfDirectory(atPath: keys.path).sorted() where name.hasSuffix(".key") {
                try archive.addFile(keys.appendingPathComponent(name), as: "keys/\(name)")
            }
            let blobs = try addBlobs(to: archive)
            try archive.finish()
            guard rename(partial.path, destination.path) == 0 else {
                throw TarWriter.Failure(description: "cannot move the backup into \(destination.path): \(String(cString: strerror(errno)))")
            }
            let folderDescriptor = open(folder.path, O_RDONLY)
            if folderDescriptor >= 0 {
                fsync(folderDescriptor)
                close(folderDescriptor)
            }
            return BackupSummary(path: destination.path, bytes: archive.bytesWritten, records: records, blobs: blobs)
        } catch let error as TarWriter.Failure {
            throw CentralError.backupFailed(error.description)
        } catch let error as TarHeader.Unrepresentable {
            throw CentralError.backupFailed(error.description)
        }
    }

    /// Every stored blob, in a stable order, under `blobs/sha256/xx/`.
    private func addBlobs(to archive: TarWriter) throws -> Int {
        let root = directory.appendingPathComponent("blobs/sha256")
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: root.path) else { return 0 }
        try archive.addDirectory("blobs")
        try archive.addDirectory("blobs/sha256")
        var count = 0
        for fan in try fileManager.contentsOfDirectory(atPath: root.path).sorted() {
            try archive.addDirectory("blobs/sha256/\(fan)")
            for name in try fileManager.contentsOfDirectory(atPath: root.appendingPathComponent(fan).path).sorted() {
                try archive.addFile(root.appendingPathComponent(fan).appendingPathComponent(name), as: "blobs/sha256/\(fan)/\(name)")
                count += 1
            }
        }
        return count
    }

    private static func recordCount(inSnapshot file: URL) throws -> Int {
        var options = Database.Options()
        options.create = false
        options.readOnly = true
        let snapshot = try Database(path: file.path, options: options)
        let query = try snapshot.prepare("SELECT count(*) FROM merge_log")
        defer { query.reset() }
        _ = try query.step()
        return query.int(0)
    }
}
