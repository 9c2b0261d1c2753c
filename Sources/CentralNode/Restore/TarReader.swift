import Foundation

/// Reads the ustar archives `central backup` writes, member by member, into a directory. Only
/// what a backup holds is accepted — regular files and directories with relative names that stay
/// inside the target — so a damaged or foreign archive is refused instead of writing elsewhere.
enum TarReader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Extracts `archive` into `directory` (which must exist); returns the files written.
    static func extract(_ archive: URL, into directory: URL) throws -> [String] {
        guard let input = FileHandle(forReadingAtPath: archive.path) else {
            throw Failure(description: "cannot read \(archive.path)")
        }
        defer { try? input.close() }
        var files: [String] = []
        var sawEnd = false
        while true {
            let header = [UInt8](try input.read(upToCount: 512) ?? Data())
            if header.isEmpty { break }
            guard header.count == 512 else { throw Failure(description: "\(archive.lastPathComponent) ends inside a header") }
            if header.allSatisfy({ $0 == 0 }) {
                sawEnd = true
                break
            }
            let member = try parse(header)
            let target = directory.appendingPathComponent(member.name)
            switch member.kind {
            case UInt8(ascii: "5"):
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            case UInt8(ascii: "0"), 0:
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
                try copy(member.size, from: input, to: target, name: member.name)
                files.append(member.name)
                let padding = (512 - member.size % 512) % 512
                if padding > 0 { _ = try input.read(upToCount: Int(padding)) }
            default:
                throw Failure(description: "\(member.name) is neither a file nor a directory; this is not an AuditSync backup")
            }
        }
        guard sawEnd else { throw Failure(description: "\(archive.lastPathComponent) is cut short (no end of archive)") }
        return files
    }

    private struct Member {
        let name: String
        let kind: UInt8
        let size: Int64
    }

    private static func parse(_ header: [UInt8]) throws -> Member {
        guard Array(header[257..<262]) == Array("ustar".utf8) else { throw Failure(description: "not a ustar archive") }
        let stored = octal(header[148..<156])
        var sum: Int64 = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 0x20 : Int64(byte) }
        guard stored == sum else { throw Failure(description: "a damaged member header (checksum)") }
        let name = text(header[0..<100]), prefix = text(header[345..<500])
        var path = prefix.isEmpty ? name : prefix + "/" + name
        while path.hasSuffix("/") { path.removeLast() }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw Failure(description: "a member named '\(path)' would land outside the data directory")
        }
        guard let size = octal(header[124..<136]) else { throw Failure(description: "\(path): a damaged size") }
        return Member(name: path, kind: header[156], size: size)
    }

    private static func copy(_ size: Int64, from input: FileHandle, to target: URL, name: String) throws {
        let descriptor = open(target.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot create \(target.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var left = size
        while left > 0 {
            let piece = [UInt8](try input.read(upToCount: Int(min(1 << 20, left))) ?? Data())
            guard !piece.isEmpty else { throw Failure(description: "the archive ends inside \(name)") }
            if let problem = writeAll(piece, to: descriptor) { throw Failure(description: "cannot write \(target.path): \(problem)") }
            left -= Int64(piece.count)
        }
        guard fsync(descriptor) == 0 else { throw Failure(description: "cannot sync \(target.path)") }
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func octal(_ bytes: ArraySlice<UInt8>) -> Int64? {
        let digits = text(bytes).trimmingCharacters(in: .whitespaces)
        return digits.isEmpty ? 0 : Int64(digits, radix: 8)
    }
}
