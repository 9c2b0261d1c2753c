import ArgumentParser
import AuditDomain
import AuditReport
import CanonicalJSON
import CentralNode
import Foundation

/// What `central report` and `field report` share: they differ only in the replica they read.
struct ReportOptions: ParsableArguments {
    @Option(help: "The audit's id.")
    var audit: String

    @Option(help: ArgumentHelp("html, markdown or json.", valueName: "format"))
    var format: String

    @Option(help: ArgumentHelp("The report file to write (replaced if it exists).", valueName: "file"))
    var out: String

    func validate() throws {
        _ = try parsedFormat()
    }

    private func parsedFormat() throws -> ReportFormat {
        try parsingArgument { try DomainError.parse(ReportFormat.self, format, what: "report format") }
    }

    /// Renders `document` and writes it to --out; prints what was written.
    func write(_ document: JSONValue, global: GlobalOptions) throws {
        let format = try parsedFormat()
        let destination = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        let bytes = try Self.replace(destination, with: Array(format.render(document).utf8))
        let conflicts = document["conflicts"]?.elements?.count ?? 0
        global.emit(["out": .string(destination.path), "format": .string(format.rawValue), "bytes": .int(bytes)],
                    text: "wrote the \(format.rawValue) report of audit \(audit) to \(destination.path) (\(bytes) bytes)"
                        + (conflicts == 0 ? "" : "; it flags \(conflicts) unresolved conflict\(conflicts == 1 ? "" : "s") at the top"))
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes the bytes beside `destination` under a temporary name, syncs them, then renames
    /// over it: a report file is whole (the old one or the new one) or absent, never partial.
    private static func replace(_ destination: URL, with bytes: [UInt8]) throws -> Int {
        let folder = destination.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Failure(description: "no folder \(folder.path) for the report; create it, or choose another --out")
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
        guard descriptor >= 0 else { throw failure("write the report to") }
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
            let error = failure("write the report to")
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw failure("write the report to") }
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
