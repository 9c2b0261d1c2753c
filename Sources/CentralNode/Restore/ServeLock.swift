import Foundation

/// The lock `central serve` holds on its data directory for as long as it runs (flock on
/// `serve.lock`): a restore must never swap the files under a running server, and two servers
/// on one directory would both hand out log positions.
public final class ServeLock {
    public static let fileName = "serve.lock"
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Takes the lock, or throws `CentralError.serving` when a server holds it.
    public static func acquire(in directory: URL) throws -> ServeLock {
        let path = directory.appendingPathComponent(fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT, 0o600)
        guard descriptor >= 0 else {
            throw CentralError.restoreFailed("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw CentralError.serving(directory.path)
        }
        return ServeLock(descriptor: descriptor)
    }
}
