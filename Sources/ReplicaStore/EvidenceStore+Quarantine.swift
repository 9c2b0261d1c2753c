import Crypto
import Foundation

/// Checking stored blobs against their names, and setting damaged ones aside.
///
/// A blob's name is its SHA-256, so a file that no longer hashes to it (bit rot, a tool that
/// touched it) is never sent as if it were the evidence: it is moved to
/// `ROOT/quarantine/<sha256>-<UTC time>`, bytes kept for forensics and never deleted, and the
/// store then lacks the blob, so a sync fetches a good copy from a node that has one.
extension EvidenceStore {
    /// What re-hashing a stored blob found.
    public enum Condition: Equatable, Sendable {
        case intact
        case absent
        /// Its bytes hash to `actual`, not to its name (or could not be read to the end: `actual`
        /// then says why).
        case damaged(actual: String)
    }

    /// Re-hashes the blob named `sha256`, reading it in pieces so a large file never sits in memory.
    public func condition(of sha256: String) -> Condition {
        let path = url(for: sha256).path
        guard FileManager.default.fileExists(atPath: path) else { return .absent }
        guard let input = FileHandle(forReadingAtPath: path) else { return .damaged(actual: "unreadable") }
        defer { try? input.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data
            do {
                chunk = try input.read(upToCount: 256 * 1024) ?? Data()
            } catch {
                // A read error (EIO) is a failing disk: what is there cannot be trusted either.
                return .damaged(actual: "unreadable (\(error.localizedDescription))")
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        let digest = EvidenceStore.hex(hasher.finalize())
        return digest == sha256 ? .intact : .damaged(actual: digest)
    }

    /// A stored blob found damaged, and where it was set aside.
    public struct DamagedBlob: Equatable, Sendable {
        public let sha256: String
        /// What its bytes hash to instead (or why they could not be read).
        public let actual: String
        /// Where it is now; nil when it could not be moved (`problem` says why) or another
        /// process moved it first.
        public let keptAt: URL?
        public let problem: String?
    }

    /// Re-hashes the blob named `sha256` and, when it is damaged, sets it aside; nil when it is
    /// intact or absent. A blob that cannot be moved is still reported: never send it.
    public func setAsideIfDamaged(_ sha256: String) -> DamagedBlob? {
        guard case .damaged(let actual) = condition(of: sha256) else { return nil }
        do {
            return DamagedBlob(sha256: sha256, actual: actual, keptAt: try quarantine(sha256), problem: nil)
        } catch {
            return DamagedBlob(sha256: sha256, actual: actual, keptAt: nil, problem: "\(error)")
        }
    }

    /// Re-hashes every stored blob, setting aside those that do not match their names.
    public func setAsideEveryDamagedBlob() -> (checked: Int, damaged: [DamagedBlob]) {
        let names = storedBlobs()
        return (names.count, names.compactMap(setAsideIfDamaged))
    }

    /// Moves the blob named `sha256` out of the store into `quarantine/`, under its name and the
    /// time, and returns where it now is; nil when it was not there (another process moved it).
    @discardableResult
    public func quarantine(_ sha256: String, at date: Date = Date()) throws -> URL? {
        let source = url(for: sha256)
        let directory = quarantineDirectory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw EvidenceError.unwritable(directory.path)
        }
        let stamp = Self.quarantineStamp.string(from: date)
        var destination = directory.appendingPathComponent("\(sha256)-\(stamp)")
        var attempt = 1
        // Two copies set aside within the same second keep both: nothing here is ever replaced.
        while FileManager.default.fileExists(atPath: destination.path) {
            attempt += 1
            destination = directory.appendingPathComponent("\(sha256)-\(stamp)-\(attempt)")
        }
        guard rename(source.path, destination.path) == 0 else {
            if errno == ENOENT { return nil }
            throw EvidenceError.unwritable(destination.path)
        }
        let handle = open(directory.path, O_RDONLY)
        if handle >= 0 {
            fsync(handle)
            close(handle)
        }
        return destination
    }

    /// Where damaged blobs are set aside.
    public var quarantineDirectory: URL { root.appendingPathComponent("quarantine") }

    /// Every damaged copy set aside so far, by the blob's name, oldest first.
    public func quarantinedCopies() -> [String: [URL]] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: quarantineDirectory.path)) ?? []
        var copies: [String: [URL]] = [:]
        for name in names.sorted() {
            let sha256 = String(name.prefix(64))
            guard sha256.utf8.count == 64, name.dropFirst(64).hasPrefix("-") else { continue }
            copies[sha256, default: []].append(quarantineDirectory.appendingPathComponent(name))
        }
        return copies
    }

    /// The names of every blob stored, sorted: what a full check re-hashes.
    public func storedBlobs() -> [String] {
        let top = root.appendingPathComponent("sha256")
        var names: [String] = []
        for fan in (try? FileManager.default.contentsOfDirectory(atPath: top.path)) ?? [] where fan.utf8.count == 2 {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: top.appendingPathComponent(fan).path)) ?? []
            where name.utf8.count == 64 && name.hasPrefix(fan) {
                names.append(name)
            }
        }
        return names.sorted()
    }

    /// `20261129T080211Z`: sortable, and without the colons some file systems refuse.
    private static var quarantineStamp: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
        return formatter
    }
}
