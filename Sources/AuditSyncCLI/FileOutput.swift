import Foundation

/// Files the commands write with --out (reports, certificates, keys, status lists): replaced
/// whole, never left half-written.
enum FileOutput {
    /// Writes `text` to the --out path; returns the absolute path written.
    static func write(_ text: String, to out: String) throws -> String {
        let destination = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        _ = try replace(destination, with: Array(text.utf8))
        return destination.path
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes the bytes beside `destination` under a temporary name, syncs them, then renames
    /// over it: the file is whole (the old one or the new one) or absent, never partial.
    static func replace(_ destination: URL, with bytes: [UInt8]) throws -> Int {
        let folder = destination.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Failure(description: "no folder \(folder.path) for the file; create it, or choose another --out")
        }
        if FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure(description: "\(destination.path) is a folder; give --out a file name inside it")
        }
        let partial = folder.appendingPathComponent(".\(destination.lastPathComponent).partial-\(getpid())")
        func failure(_ doing: String) -> Failure {
            Failure(description: "cannot \(doing) \(destination.path): \(String(cString: strerror(errno)))")
        }
        unlink(partial.path)  // a leftover of an earlier run that was killed with this same pid
        let descriptor = open(partial.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw failure("write") }
        var renamed = false
        defer { if !renamed { unlink(partial.path) } }
        var written = 0
        let complete = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let count = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                written += count
            }
            return true
        }
        guard complete, fsync(descriptor) == 0 else {
            let error = failure("write")
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw failure("write") }
        guard rename(partial.path, destination.path) == 0 else { throw failure("replace") }
        renamed = true
        let folderDescriptor = open(folder.path, O_RDONLY)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
        return written
    }
}
