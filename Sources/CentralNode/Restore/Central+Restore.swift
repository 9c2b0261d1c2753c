import Foundation
import MergeCore
import SQLiteKit
import Transport

/// What a restore put in place.
public struct RestoreSummary: Sendable {
    public let directory: String
    public let records: Int
    public let blobs: Int
    /// The restored log's new identity, and where it continues the backup's log.
    public let log: UInt64
    public let backupEnd: UInt64
    /// Where the directory's previous contents were set aside (with --replace).
    public let setAside: String?
}

extension Central {
    /// Restores a backup written by `backup(to:)` into `directory`.
    ///
    /// The archive is unpacked beside the directory, every part is checked — the database
    /// (`integrity_check`, a central's schema, migrated to this version), both keys, every
    /// evidence file against its name — and the log is given a new identity that continues the
    /// backup's: field nodes that synced after the backup was taken are then reconciled with
    /// instead of trusted (their cursors are read back to the backup's end, what they hold that
    /// the central lost goes up again). Only then is it moved into place, in one rename; a
    /// restore that fails leaves `directory` as it was. A non-empty directory is refused unless
    /// `replace` is set; its contents are then set aside beside it, never deleted.
    public static func restore(from backup: URL, into directory: URL, replace: Bool) throws -> RestoreSummary {
        let fileManager = FileManager.default
        let existing = (try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? []
        if !existing.isEmpty {
            guard replace else { throw CentralError.restoreTarget(directory.path) }
            // A server running on it keeps its lock: refuse rather than swap its files away.
            _ = try ServeLock.acquire(in: directory)
        }
        guard fileManager.fileExists(atPath: backup.path) else { throw CentralError.restoreFailed("no backup file \(backup.path)") }
        let parent = directory.deletingLastPathComponent()
        try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).restoring-\(getpid())")
        try? fileManager.removeItem(at: staging)
        defer { try? fileManager.removeItem(at: staging) }
        let checked: (records: Int, blobs: Int, log: UInt64, end: UInt64)
        do {
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            _ = try TarReader.extract(backup, into: staging)
            checked = try check(restored: staging)
        } catch let error as CentralError {
            throw error
        } catch let error as TarReader.Failure {
            throw CentralError.restoreFailed("the backup cannot be read: \(error)")
        } catch {
            throw CentralError.restoreFailed("\(error)")
        }

        var setAside: URL?
        if fileManager.fileExists(atPath: directory.path) {
            if existing.isEmpty {
                try fileManager.removeItem(at: directory)
            } else {
                let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
                let aside = parent.appendingPathComponent("\(directory.lastPathComponent).replaced-\(stamp)")
                guard rename(directory.path, aside.path) == 0 else {
                    throw CentralError.restoreFailed("cannot set \(directory.path) aside: \(String(cString: strerror(errno)))")
                }
                setAside = aside
            }
        }
        guard rename(staging.path, directory.path) == 0 else {
            let reason = String(cString: strerror(errno))
            if let setAside { _ = rename(setAside.path, directory.path) }
            throw CentralError.restoreFailed("cannot move the restored files into \(directory.path): \(reason)")
        }
        let folder = open(parent.path, O_RDONLY)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
        return RestoreSummary(directory: directory.path, records: checked.records, blobs: checked.blobs, log: checked.log,
                              backupEnd: checked.end, setAside: setAside?.path)
    }

    /// Checks every part of an unpacked backup and gives its log a new identity.
    private static func check(restored staging: URL) throws -> (records: Int, blobs: Int, log: UInt64, end: UInt64) {
        guard FileManager.default.fileExists(atPath: staging.appendingPathComponent(databaseName).path) else {
            throw CentralError.restoreFailed("the backup holds no \(databaseName); is it an AuditSync central backup?")
        }
        let central = try Central(opening: staging)
        let integrity = try central.database.prepare("PRAGMA integrity_check")
        var problems: [String] = []
        try integrity.forEachRow { problems.append($0.text(0)) }
        guard problems == ["ok"] else {
            throw CentralError.restoreFailed("the backup's database is damaged: \(problems.prefix(3).joined(separator: "; "))")
        }
        do {
            _ = try StaticKeyFile.load(in: staging)
        } catch {
            throw CentralError.restoreFailed("the backup's channel key is missing or damaged (\(error))")
        }
        if try central.issuedCertificateCount() > 0 || FileManager.default.fileExists(
            atPath: staging.appendingPathComponent(signingKeyPath).path) {
            do {
                _ = try KeyFile.load(staging.appendingPathComponent(signingKeyPath))
            } catch {
                throw CentralError.restoreFailed("the backup's certificate signing key is missing or damaged (\(error))")
            }
        }
        let evidence = central.replica.evidence
        var blobs = 0
        let root = staging.appendingPathComponent("blobs/sha256")
        for fan in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
            for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(fan).path) {
                guard evidence.verify(name) else {
                    throw CentralError.restoreFailed("evidence file \(name) in the backup does not match its name")
                }
                blobs += 1
            }
        }
        let records = try central.store.recordCount()
        let end = UInt64(try central.store.lastSequence())
        var log = NodeID.random().rawValue
        let lineage = try central.logLineage()
        while log == 0 || log == lineage.current || lineage.ancestors.contains(where: { $0.log == log }) {
            log = NodeID.random().rawValue
        }
        try central.setLogLineage(lineage.restored(as: log, backupEnd: end))
        return (records, blobs, log, end)
    }

    /// Certificates this central has issued (a restore needs their signing key).
    func issuedCertificateCount() throws -> Int {
        let query = try database.prepare("SELECT count(*) FROM certificates")
        defer { query.reset() }
        _ = try query.step()
        return query.int(0)
    }
}
