import Foundation
import Glibc
import XCTest

/// A long-running `auditsync` child process (e.g. `central serve`) whose stdout and stderr are
/// read while it runs, to which signals can be sent, and which is always reaped.
///
/// `@unchecked Sendable`: the captured output is guarded by `lock`; the `Process` is only
/// touched through its own thread-safe accessors.
final class ServerProcess: @unchecked Sendable {
    let arguments: [String]
    private let process = Process()
    /// Guards the captured output; broadcast whenever output arrives or a stream ends, so
    /// waiters react at once (a test can signal the child the instant a line appears).
    private let lock = NSCondition()
    private var stdoutBytes: [UInt8] = []
    private var stderrBytes: [UInt8] = []
    private var openStreams = 2
    /// Counts output events, so a waiter never sleeps through one that came while it checked.
    private var generation = 0
    private let scratch: ScratchDirectory

    /// Starts `auditsync arguments…`. As with `CLI.run`, `AUDITSYNC_HOME` points at a fresh
    /// directory unless the arguments carry `--data`. With a `wrapper` (a program and its
    /// arguments, e.g. `unshare …`), that program is started with the executable's path and
    /// `arguments` after its own.
    init(_ arguments: [String], environment: [String: String] = [:], wrapper: [String] = []) throws {
        self.arguments = arguments
        scratch = try ScratchDirectory(prefix: "auditsync-server")
        var childEnvironment = ProcessInfo.processInfo.environment
        if !arguments.contains("--data") {
            childEnvironment["AUDITSYNC_HOME"] = scratch.url.appendingPathComponent("home").path
        }
        for (name, value) in environment { childEnvironment[name] = value }

        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        if let program = wrapper.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(wrapper.dropFirst()) + [try CLI.executable().path] + arguments
        } else {
            process.executableURL = try CLI.executable()
            process.arguments = arguments
        }
        process.environment = childEnvironment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
        // The child holds its own copies of the write ends; ours must go so reads see EOF.
        try? stdoutPipe.fileHandleForWriting.close()
        try? stderrPipe.fileHandleForWriting.close()
        startReader(stdoutPipe.fileHandleForReading, isStdout: true)
        startReader(stderrPipe.fileHandleForReading, isStdout: false)
    }

    deinit {
        kill()
    }

    private func startReader(_ handle: FileHandle, isStdout: Bool) {
        let descriptor = handle.fileDescriptor
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                lock.withLock {
                    if isStdout { stdoutBytes += buffer[0..<count] } else { stderrBytes += buffer[0..<count] }
                    generation += 1
                    lock.broadcast()
                }
            }
            lock.withLock {
                openStreams -= 1
                generation += 1
                lock.broadcast()
            }
            withExtendedLifetime(handle) {}
        }
        thread.name = "auditsync-\(isStdout ? "stdout" : "stderr")-reader"
        thread.start()
    }

    var pid: pid_t { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    var stdout: String { lock.withLock { String(decoding: stdoutBytes, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: stderrBytes, as: UTF8.self) } }

    /// Complete lines (ended by a newline) written so far.
    var stdoutLines: [String] { Self.completeLines(stdout) }
    var stderrLines: [String] { Self.completeLines(stderr) }

    private static func completeLines(_ text: String) -> [String] {
        var lines = text.components(separatedBy: "\n")
        lines.removeLast()  // the unfinished piece after the last newline (empty when none)
        return lines
    }

    /// Waits until `condition` holds or `timeout` passes. It is checked again as soon as any
    /// output arrives, and every few milliseconds besides (for conditions on the process state).
    @discardableResult
    func wait(timeout: TimeInterval, until condition: (ServerProcess) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let seen = lock.withLock { generation }
            if condition(self) { return true }
            lock.lock()
            if generation == seen { _ = lock.wait(until: min(deadline, Date().addingTimeInterval(0.005))) }
            lock.unlock()
        }
        return condition(self)
    }

    /// The first complete stdout line, waiting for it; nil when none came in time (or the
    /// process ended without one).
    func firstStdoutLine(timeout: TimeInterval = 10) -> String? {
        wait(timeout: timeout) { $0.stdoutLines.first != nil || (!$0.isRunning && $0.streamsClosed) }
        return stdoutLines.first
    }

    /// The first stderr line containing `text`, waiting for it.
    func stderrLine(containing text: String, timeout: TimeInterval = 10) -> String? {
        wait(timeout: timeout) { process in process.stderrLines.contains { $0.contains(text) } }
        return stderrLines.first { $0.contains(text) }
    }

    /// Whether both output streams reached end of file.
    var streamsClosed: Bool { lock.withLock { openStreams == 0 } }

    /// Sends `signal` (SIGTERM, SIGINT, …) to the child.
    func send(signal: Int32) {
        guard process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, signal)
    }

    /// Waits for the child to exit and its output to be read to the end; returns the exit
    /// status, or nil when it still runs after `timeout`.
    func waitForExit(timeout: TimeInterval) -> Int32? {
        guard wait(timeout: timeout, until: { !$0.isRunning }) else { return nil }
        process.waitUntilExit()
        // Output written just before exit may still be in the pipes.
        wait(timeout: 5) { $0.streamsClosed }
        return process.terminationStatus
    }

    /// What the running child does with `signal`, from /proc: "caught" (a handler is installed),
    /// "ignored", "default", or "unknown".
    func disposition(of signal: Int32) -> String {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return "unknown" }
        func has(_ field: String) -> Bool {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
                  let mask = UInt64(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces), radix: 16)
            else { return false }
            return mask >> UInt64(signal - 1) & 1 == 1
        }
        return has("SigCgt") ? "caught" : has("SigIgn") ? "ignored" : "default"
    }

    /// Whether the child ended through an uncaught signal (rather than by exiting).
    var wasKilledBySignal: Bool { process.terminationReason == .uncaughtSignal }

    /// Kills the child with SIGKILL if it still runs, and reaps it.
    func kill() {
        if process.isRunning {
            _ = Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Everything it printed, for failure messages.
    var transcript: String {
        "auditsync \(arguments.joined(separator: " "))\(isRunning ? " (running)" : " → exit \(process.terminationStatus)")"
            + "\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)"
    }
}
