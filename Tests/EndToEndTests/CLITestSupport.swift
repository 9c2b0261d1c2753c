import Foundation
import XCTest

/// What one run of the `auditsync` executable did.
struct CLIResult: CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let stdout: String
    let stderr: String

    /// Standard error split into lines, without the final empty piece after the last newline.
    var stderrLines: [String] {
        var lines = stderr.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    var description: String {
        "auditsync \(arguments.joined(separator: " ")) → exit \(status)\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)"
    }
}

enum CLIError: Error, CustomStringConvertible {
    case executableNotFound([String])
    case timedOut([String], seconds: TimeInterval)
    case notJSON(CLIResult)

    var description: String {
        switch self {
        case .executableNotFound(let searched):
            "the auditsync executable was not found; looked in: \(searched.joined(separator: ", "))"
        case .notJSON(let result):
            "stdout is not one JSON object: \(result)"
        case .timedOut(let arguments, let seconds):
            "auditsync \(arguments.joined(separator: " ")) did not finish within \(Int(seconds)) s"
        }
    }
}

/// Runs the real `auditsync` executable as a child process.
enum CLI {
    /// The products directory holds the test bundle and, because the EndToEndTests target depends
    /// on it, the `auditsync` executable. `AUDITSYNC_EXECUTABLE` overrides the search.
    static func executable() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let override = environment["AUDITSYNC_EXECUTABLE"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var candidates: [URL] = []
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        if let first = CommandLine.arguments.first {
            let url = URL(fileURLWithPath: first)
            candidates.append(url.deletingLastPathComponent())
            candidates.append(url.deletingLastPathComponent().deletingLastPathComponent())
        }
        for directory in candidates {
            let binary = directory.appendingPathComponent("auditsync")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: binary.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: binary.path) {
                return binary
            }
        }
        throw CLIError.executableNotFound(candidates.map(\.path))
    }

    /// Runs `auditsync arguments…`. The child inherits this process's environment with
    /// `environment` applied on top (a nil value removes the variable). Unless the arguments
    /// carry `--data` or `environment` sets `AUDITSYNC_HOME`, `AUDITSYNC_HOME` is pointed at a
    /// fresh empty directory that is removed afterwards, so no test ever touches ~/.auditsync.
    static func run(_ arguments: [String], environment: [String: String?] = [:], timeout: TimeInterval = 30,
                    launcher: [String] = []) throws -> CLIResult {
        let scratch = try ScratchDirectory(prefix: "auditsync-cli")
        var childEnvironment = ProcessInfo.processInfo.environment
        if !arguments.contains("--data") && environment["AUDITSYNC_HOME"] == nil {
            childEnvironment["AUDITSYNC_HOME"] = scratch.url.appendingPathComponent("home").path
        }
        for (name, value) in environment {
            if let value { childEnvironment[name] = value } else { childEnvironment.removeValue(forKey: name) }
        }

        let stdoutURL = scratch.url.appendingPathComponent("stdout")
        let stderrURL = scratch.url.appendingPathComponent("stderr")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
        }

        let process = Process()
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [try executable().path] + arguments
        } else {
            process.executableURL = try executable()
            process.arguments = arguments
        }
        process.environment = childEnvironment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        try process.run()

        // Files, not pipes: a chatty child can never block on a full pipe while we wait.
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                process.waitUntilExit()
                throw CLIError.timedOut(arguments, seconds: timeout)
            }
            usleep(2_000)
        }
        process.waitUntilExit()

        let stdout = String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self)
        return CLIResult(arguments: arguments, status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

extension CLI {
    /// `auditsync arguments…` with its clock moved by `offset` (libfaketime, e.g. "+2d"), which
    /// `deploy/install-deps` installs.
    static func run(shiftedBy offset: String, _ arguments: [String], timeout: TimeInterval = 30) throws -> CLIResult {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime") else {
            throw CLIError.executableNotFound(["/usr/bin/faketime (run deploy/install-deps)"])
        }
        return try run(arguments, environment: ["FAKETIME_DONT_FAKE_MONOTONIC": "1"], timeout: timeout,
                       launcher: ["/usr/bin/faketime", "-f", offset])
    }

    /// Runs another program (not `auditsync`) to its end, its output discarded; its exit status.
    static func runProgram(_ command: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// A temporary directory that removes itself when the last reference goes.
final class ScratchDirectory {
    let url: URL
    var path: String { url.path }

    init(prefix: String = "auditsync-e2e") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func appending(_ component: String) -> URL { url.appendingPathComponent(component) }

    /// Names of the entries directly inside `url`, sorted.
    func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

// MARK: - Assertions

extension XCTestCase {
    /// Asserts a failure: the exit status, nothing on stdout, and exactly one line on stderr that
    /// starts `error:`. Returns that line (empty when the shape was wrong).
    @discardableResult
    func assertFailure(_ result: CLIResult, status: Int32, file: StaticString = #filePath, line: UInt = #line) -> String {
        XCTAssertEqual(result.status, status, "exit status\n\(result)", file: file, line: line)
        XCTAssertEqual(result.stdout, "", "nothing on stdout on failure\n\(result)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasSuffix("\n"), "stderr ends with a newline\n\(result)", file: file, line: line)
        let lines = result.stderrLines
        XCTAssertEqual(lines.count, 1, "exactly one line on stderr\n\(result)", file: file, line: line)
        let first = lines.first ?? ""
        XCTAssertTrue(first.hasPrefix("error: "), "stderr starts with `error: `\n\(result)", file: file, line: line)
        return lines.count == 1 ? first : ""
    }

    /// Asserts success with nothing on stderr.
    func assertSuccess(_ result: CLIResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 0, "exit status\n\(result)", file: file, line: line)
        XCTAssertEqual(result.stderr, "", "nothing on stderr\n\(result)", file: file, line: line)
    }

    /// Parses stdout as exactly one JSON object.
    func jsonObject(_ result: CLIResult, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let text = result.stdout
        XCTAssertTrue(text.hasPrefix("{"), "stdout starts with the JSON document\n\(result)", file: file, line: line)
        XCTAssertTrue(text.hasSuffix("}\n"), "stdout ends with the JSON document and one newline\n\(result)", file: file, line: line)
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        guard let object = value as? [String: Any] else {
            XCTFail("stdout is not a JSON object\n\(result)", file: file, line: line)
            return [:]
        }
        return object
    }
}

// MARK: - JSON key order

enum JSONKeyOrder {
    /// Walks raw JSON text and returns the first object whose keys are not in strictly ascending
    /// UTF-8 byte order, as "previous key ≥ next key"; nil when every object is sorted.
    static func firstViolation(in text: String) -> String? {
        var scanner = Scanner(bytes: Array(text.utf8))
        return scanner.value()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        /// Scans one value; returns a violation found inside it.
        mutating func value() -> String? {
            skipSpace()
            guard index < bytes.count else { return "unexpected end of text" }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): _ = string(); return nil
            default:
                while index < bytes.count, !",]} \n\r\t".utf8.contains(bytes[index]) { index += 1 }
                return nil
            }
        }

        mutating func object() -> String? {
            index += 1
            var previous: [UInt8]? = nil
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return nil }
            while index < bytes.count {
                skipSpace()
                let key = string()
                if let previous, !previous.lexicographicallyPrecedes(key) {
                    return "\"\(String(decoding: previous, as: UTF8.self))\" ≥ \"\(String(decoding: key, as: UTF8.self))\""
                }
                previous = key
                skipSpace()
                index += 1  // ':'
                if let violation = value() { return violation }
                skipSpace()
                guard index < bytes.count else { break }
                let separator = bytes[index]
                index += 1
                if separator == UInt8(ascii: "}") { return nil }
            }
            return "unterminated object"
        }

        mutating func array() -> String? {
            index += 1
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return nil }
            while index < bytes.count {
                if let violation = value() { return violation }
                skipSpace()
                guard index < bytes.count else { break }
                let separator = bytes[index]
                index += 1
                if separator == UInt8(ascii: "]") { return nil }
            }
            return "unterminated array"
        }

        /// The raw bytes between the quotes (escapes left as written; keys here are plain ASCII).
        mutating func string() -> [UInt8] {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            let raw = Array(bytes[start..<min(index, bytes.count)])
            index += 1
            return raw
        }
    }
}

// MARK: - SHA-256

/// SHA-256 (FIPS 180-4), here because the EndToEndTests target has no crypto dependency.
enum SHA256Digest {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func hex(_ text: String) -> String { hex(Array(text.utf8)) }

    static func hex(_ message: [UInt8]) -> String {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }

        func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        var w = [UInt32](repeating: 0, count: 64)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for t in 0..<16 {
                let i = chunk + t * 4
                w[t] = UInt32(data[i]) << 24 | UInt32(data[i + 1]) << 16 | UInt32(data[i + 2]) << 8 | UInt32(data[i + 3])
            }
            for t in 16..<64 {
                let s0 = rotate(w[t - 15], 7) ^ rotate(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotate(w[t - 2], 17) ^ rotate(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for t in 0..<64 {
                let s1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
                let choice = (e & f) ^ (~e & g)
                let temp1 = hh &+ s1 &+ choice &+ k[t] &+ w[t]
                let s0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                let temp2 = s0 &+ majority
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ temp1, c, b, a, temp1 &+ temp2)
            }
            for (i, value) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ value }
        }
        return h.map { word in
            let text = String(word, radix: 16)
            return String(repeating: "0", count: 8 - text.count) + text
        }.joined()
    }
}

// MARK: - Small helpers

extension String {
    /// Whether the whole string matches the regular expression.
    func matches(_ pattern: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return false }
        return expression.firstMatch(in: self, range: NSRange(startIndex..., in: self)) != nil
    }
}

/// The current year in UTC, as audit ids carry it.
func currentUTCYear() -> Int {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.component(.year, from: Date())
}
