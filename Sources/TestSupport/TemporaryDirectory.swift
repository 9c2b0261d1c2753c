import Foundation

/// A fresh directory under the system's temporary directory, removed with its contents when the
/// value is released.
public final class TemporaryDirectory {
    public let url: URL

    public init(prefix: String = "auditsync-tests") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
