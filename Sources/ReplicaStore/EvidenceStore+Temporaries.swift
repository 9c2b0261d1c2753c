import Foundation

/// Partial files in `ROOT/tmp/`. A blob is written there whole before it gets its name, so a
/// process killed mid-write (a cut upload at the central, a laptop shut mid-download) leaves its
/// temporary behind, and nothing else ever removes it. Each is named `<pid>-<uuid>` by the
/// process writing it; `central serve` and `field sync` remove, when they start, those whose
/// process is gone.
extension EvidenceStore {
    /// Removes the temporaries whose writing process no longer runs, and those named the way
    /// versions before the pid was in the name did (a bare UUID: their writer is long gone). A
    /// live process's temporary stays, and so does any file this store did not name. Returns how
    /// many were removed.
    @discardableResult
    public func removeAbandonedTemporaries() -> Int {
        let directory = root.appendingPathComponent("tmp")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return 0 }
        var removed = 0
        for name in names where Self.isAbandonedTemporary(name) {
            if (try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))) != nil { removed += 1 }
        }
        return removed
    }

    /// `<pid>-<uuid>` of a process that is gone, or a bare `<uuid>` of the old naming.
    static func isAbandonedTemporary(_ name: String) -> Bool {
        if UUID(uuidString: name) != nil { return true }
        guard let dash = name.firstIndex(of: "-"), let pid = Int32(name[..<dash]), pid > 0,
              UUID(uuidString: String(name[name.index(after: dash)...])) != nil else { return false }
        return !Self.isRunning(pid)
    }

    /// Whether a process with this id exists (EPERM: it does, owned by someone else). A pid
    /// reused by an unrelated process keeps a temporary until that one ends too: harmless.
    static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
