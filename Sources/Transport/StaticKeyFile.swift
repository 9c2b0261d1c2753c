import Foundation
import HexEncoding
import NoiseProtocol

/// A node's long-term Noise key, kept in the data directory as 64 hex digits in a file only its
/// owner can read (0600, in a 0700 directory). The public half is what the other side pins.
public enum StaticKeyFile {
    public static let relativePath = "keys/noise-static.key"

    /// Loads the key; throws when it is missing, unreadable or damaged (never makes a new one).
    public static func load(in directory: URL) throws -> StaticKeyPair {
        try StaticKeyPair(privateKeyBytes: try KeyFile.load(directory.appendingPathComponent(relativePath)))
    }

    /// Loads the key, creating it on first use.
    public static func loadOrCreate(in directory: URL) throws -> StaticKeyPair {
        try StaticKeyPair(privateKeyBytes: try KeyFile.loadOrCreate(directory.appendingPathComponent(relativePath)) {
            StaticKeyPair.generate().privateKeyBytes
        })
    }
}

/// A 32-byte secret key in a file: 64 hex digits and a newline, created owner-only from its first
/// byte (O_EXCL: never over an existing file) and synced; loading refuses a file others can read.
public enum KeyFile {
    public static func loadOrCreate(_ file: URL, generate: () -> [UInt8]) throws -> [UInt8] {
        if FileManager.default.fileExists(atPath: file.path) { return try load(file) }
        let key = generate()
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let text = Hex.encode(key) + "\n"
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw KeyFileError.unwritable(file.path) }
        defer { close(descriptor) }
        let written = Array(text.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == text.utf8.count, fsync(descriptor) == 0 else { throw KeyFileError.unwritable(file.path) }
        return key
    }

    public static func load(_ file: URL) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: file.path) else { throw KeyFileError.missing(file.path) }
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw KeyFileError.tooOpen(file.path, mode: mode)
        }
        let text = (try String(contentsOf: file, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Hex.decode(text), bytes.count == 32 else { throw KeyFileError.malformed(file.path) }
        return bytes
    }
}

public enum KeyFileError: Error, Equatable, CustomStringConvertible {
    case unwritable(String)
    case tooOpen(String, mode: Int)
    case malformed(String)
    case missing(String)

    public var description: String {
        switch self {
        case .unwritable(let path): "cannot write the key file \(path); check the data directory's permissions"
        case .tooOpen(let path, let mode):
            "the key file \(path) can be read by others (mode \(String(mode, radix: 8))); run `chmod 600 \(path)`"
        case .missing(let path): "the key file \(path) is missing; restore it from a backup"
        case .malformed(let path): "the key file \(path) is damaged (it must hold 64 hex digits); restore it from a backup"
        }
    }
}
