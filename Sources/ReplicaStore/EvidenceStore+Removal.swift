import Foundation

/// Deleting evidence a laptop must no longer hold (its audit was taken from it). Every other
/// path of the store keeps files: this one exists because a removed auditor must not keep a
/// client's evidence.
extension EvidenceStore {
    /// Deletes the blob named `sha256` and every damaged copy of it set aside in `quarantine/`.
    /// Returns whether anything was there. A file already gone is not an error.
    @discardableResult
    public func remove(_ sha256: String) throws -> Bool {
        var removed = false
        let files = FileManager.default
        let blob = url(for: sha256)
        if files.fileExists(atPath: blob.path) {
            try files.removeItem(at: blob)
            removed = true
        }
        let quarantine = quarantineDirectory
        for name in (try? files.contentsOfDirectory(atPath: quarantine.path)) ?? [] where name.hasPrefix(sha256 + "-") {
            try files.removeItem(at: quarantine.appendingPathComponent(name))
            removed = true
        }
        return removed
    }

    /// Deletes every evidence file, stored, set aside or half-written: the laptop was revoked.
    public func removeEverything() throws {
        for part in ["sha256", "quarantine", "tmp"] {
            let directory = root.appendingPathComponent(part)
            if FileManager.default.fileExists(atPath: directory.path) { try FileManager.default.removeItem(at: directory) }
        }
    }
}
