import CLibUV
import Foundation
import Glibc

/// A libuv loop on a thread of its own. Everything that touches a handle runs on that thread;
/// other threads hand it work with `execute`.
///
/// `@unchecked Sendable`: the loop pointer is used only on the loop thread; the job queue that
/// other threads touch is guarded by `lock`.
public final class EventLoop: @unchecked Sendable {
    let loop: UnsafeMutablePointer<uv_loop_t>
    private let wakeup: UnsafeMutablePointer<uv_async_t>
    private let lock = Lock()
    private var jobs: [() -> Void] = []
    private var accepting = true
    private let finished = DispatchSemaphore(value: 0)
    private var loopThread: pthread_t?
    /// Closers of the handles owned by this loop's objects, run at shutdown.
    private var shutdownHooks: [ObjectIdentifier: () -> Void] = [:]
    /// One read buffer for every stream of the loop: a read callback consumes it before the
    /// next allocation, because callbacks never interleave on one loop.
    let readBuffer = UnsafeMutableRawPointer.allocate(byteCount: EventLoop.readBufferSize, alignment: 16)
    /// Big enough for several whole Noise messages (65,537 bytes framed) per read.
    static let readBufferSize = 256 * 1024

    /// A write to a socket whose peer is gone raises SIGPIPE, whose default action ends the
    /// process: one laptop killed mid-download would take the central down with it. Ignored
    /// process-wide, once, before any loop exists; the write then fails with EPIPE, and only
    /// that connection closes.
    private static let ignoreBrokenPipes: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()
    public let name: String

    public init(name: String) {
        _ = EventLoop.ignoreBrokenPipes
        self.name = name
        loop = .allocate(capacity: 1)
        precondition(uv_loop_init(loop) == 0, "uv_loop_init failed")
        wakeup = .allocate(capacity: 1)
        uv_async_init(loop, wakeup) { handle in
            guard let handle, let context = uv_handle_get_data(EventLoop.handle(handle)) else { return }
            Unmanaged<EventLoop>.fromOpaque(context).takeUnretainedValue().drainJobs()
        }
        // The async handle keeps an unretained pointer: the loop outlives its own handle.
        uv_handle_set_data(EventLoop.handle(wakeup), Unmanaged.passUnretained(self).toOpaque())
        let thread = Thread { [self] in
            lock.withLock { loopThread = pthread_self() }
            uv_run(loop, UV_RUN_DEFAULT)
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    deinit {
        readBuffer.deallocate()
    }

    public var isInLoopThread: Bool {
        guard let loopThread = lock.withLock({ loopThread }) else { return false }
        return pthread_equal(loopThread, pthread_self()) != 0
    }

    /// The loop's clock in milliseconds (libuv's, cached at each turn of the loop): what timers
    /// are measured against, so deadlines computed from it agree with when timers fire.
    var now: UInt64 {
        uv_now(loop)
    }

    func assertInLoop(_ function: StaticString = #function) {
        precondition(isInLoopThread, "\(function) must run on the \(name) loop thread")
    }

    /// Runs `job` on the loop thread, soon. Returns false (and drops the job) once the loop is
    /// shutting down.
    @discardableResult
    public func execute(_ job: @escaping @Sendable () -> Void) -> Bool {
        lock.withLock {
            guard accepting else { return false }
            jobs.append(job)
            // Sent under the lock, so it cannot race the async handle's close.
            uv_async_send(wakeup)
            return true
        }
    }

    private func drainJobs() {
        // uv_async_send calls coalesce: take every job queued so far.
        let batch = lock.withLock { () -> [() -> Void] in
            defer { jobs.removeAll(keepingCapacity: true) }
            return jobs
        }
        for job in batch { job() }
    }

    /// Registers a closer for an object's handles, run if the loop shuts down before the object
    /// closed them itself.
    func onShutdown(_ owner: AnyObject, _ close: @escaping () -> Void) {
        assertInLoop()
        shutdownHooks[ObjectIdentifier(owner)] = close
    }

    func removeShutdownHook(_ owner: AnyObject) {
        shutdownHooks.removeValue(forKey: ObjectIdentifier(owner))
    }

    /// Closes every handle, lets their close callbacks run, ends the thread and frees the loop.
    /// Blocks the calling thread (which must not be the loop's) until all of that is done.
    public func shutdown() {
        precondition(!isInLoopThread, "shutdown() waits for the loop thread; call it from another thread")
        let scheduled = lock.withLock { () -> Bool in
            guard accepting else { return false }
            accepting = false
            jobs.append { [self] in
                let hooks = shutdownHooks.values
                shutdownHooks.removeAll()
                for close in hooks { close() }
                uv_close(EventLoop.handle(wakeup), nil)
            }
            uv_async_send(wakeup)
            return true
        }
        guard scheduled else { return }
        finished.wait()
        let status = uv_loop_close(loop)
        precondition(status == 0, "the \(name) loop still had open handles at shutdown (\(status))")
        loop.deallocate()
        wakeup.deallocate()
    }

    // MARK: Pointer casts (libuv's handle "subclasses" share a common prefix)

    static func handle<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_handle_t> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: uv_handle_t.self)
    }

    static func stream<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_stream_t> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: uv_stream_t.self)
    }
}

/// A libuv error code in words.
public struct UVError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32
    public let operation: String

    init(_ code: Int32, _ operation: String) {
        self.code = code
        self.operation = operation
    }

    public var description: String {
        "\(operation): \(String(cString: uv_strerror(code))) (\(String(cString: uv_err_name(code))))"
    }
}
