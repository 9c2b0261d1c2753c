import CLibUV
import Glibc

/// What a stream tells its owner, on the loop thread.
public protocol TCPStreamDelegate: AnyObject {
    /// Bytes arrived, in whatever pieces the kernel delivered them.
    func stream(_ stream: TCPStream, received bytes: UnsafeRawBufferPointer)
    /// Pending writes fell below the low-water mark after having passed the high-water mark.
    func streamBecameWritable(_ stream: TCPStream)
    /// The stream is closed (by either side, or an error); nothing more will arrive.
    func streamClosed(_ stream: TCPStream, error: UVError?)
}

/// One TCP connection on a loop: reads into the loop's buffer, writes from owned copies, and
/// counts the bytes it has queued so that an unread peer becomes backpressure, not memory.
///
/// Loop-thread only. `@unchecked Sendable` so that other threads may hold a reference and hand
/// work to its loop; every method asserts it runs there.
public final class TCPStream: @unchecked Sendable {
    public let loop: EventLoop
    let tcp: UnsafeMutablePointer<uv_tcp_t>
    public weak var delegate: TCPStreamDelegate?
    public private(set) var isClosed = false
    private var isReading = false
    /// The owner started reading at some point (it may have paused since, for backpressure).
    private var hasReadBefore = false
    private var isShuttingDown = false
    /// Set when a write failed while what the peer sent before going away was still unread.
    private var failedWrite: UVError?
    /// Bytes the socket has taken since the stream opened, counting only completed writes:
    /// progress the peer makes by reading.
    public private(set) var bytesWritten = 0
    /// When the last write completed, on the loop's clock (`EventLoop.now`); 0 before any.
    public private(set) var lastWriteCompletedAt: UInt64 = 0
    /// Bytes handed to `uv_write` whose callbacks have not run yet.
    public private(set) var pendingWriteBytes = 0
    /// Above this many pending bytes the stream reports itself full (`isWritable` false);
    /// below `lowWaterMark` it calls `streamBecameWritable`.
    public var highWaterMark = 4 << 20
    public var lowWaterMark = 1 << 20
    private var wasFull = false
    private var closeError: UVError?

    /// A stream whose handle is initialised on `loop` but not connected yet.
    init(loop: EventLoop) {
        loop.assertInLoop()
        self.loop = loop
        tcp = .allocate(capacity: 1)
        uv_tcp_init(loop.loop, tcp)
        // The handle owns one reference to its stream until the close callback releases it.
        uv_handle_set_data(EventLoop.handle(tcp), Unmanaged.passRetained(self).toOpaque())
        loop.onShutdown(self) { [unowned self] in close() }
    }

    public var isWritable: Bool { pendingWriteBytes < highWaterMark }

    /// Bytes the socket has taken, counting those of writes still in progress: libuv hands a big
    /// buffer to the kernel piece by piece as the peer reads, and calls back only at its end.
    public var bytesTaken: Int {
        guard !isClosed else { return bytesWritten }
        return bytesWritten + pendingWriteBytes - Int(uv_stream_get_write_queue_size(EventLoop.stream(tcp)))
    }

    /// Keeps at most `bytes` unsent in the kernel's buffer for this socket (Linux
    /// TCP_NOTSENT_LOWAT): the socket reports itself writable only below it, so what waits to
    /// be sent waits in our own queue, where the high-water mark bounds it.
    func limitUnsentBytes(_ bytes: Int) {
        var descriptor: uv_os_fd_t = -1
        guard uv_fileno(EventLoop.handle(tcp), &descriptor) == 0 else { return }
        var value = Int32(clamping: bytes)
        // TCP_NOTSENT_LOWAT is 25 on Linux; the C macro does not import.
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), 25, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Small writes go out at once rather than waiting to coalesce (Nagle's algorithm off).
    func setNoDelay() {
        uv_tcp_nodelay(tcp, 1)
    }

    public func startReading() {
        loop.assertInLoop()
        guard !isClosed, !isReading else { return }
        isReading = true
        hasReadBefore = true
        let status = uv_read_start(EventLoop.stream(tcp), { handle, _, buffer in
            guard let handle, let buffer, let stream = TCPStream.from(handle) else { return }
            buffer.pointee = uv_buf_init(stream.loop.readBuffer.assumingMemoryBound(to: CChar.self), UInt32(EventLoop.readBufferSize))
        }, { handle, count, buffer in
            guard let handle, let stream = TCPStream.from(EventLoop.handle(handle)) else { return }
            stream.didRead(count, buffer)
        })
        if status != 0 { fail(UVError(status, "read")) }
    }

    /// Stops taking bytes from the socket: the kernel's buffers fill and the peer's sends block.
    public func stopReading() {
        loop.assertInLoop()
        guard !isClosed, isReading else { return }
        isReading = false
        uv_read_stop(EventLoop.stream(tcp))
    }

    private func didRead(_ count: Int, _ buffer: UnsafePointer<uv_buf_t>?) {
        if count > 0, let base = buffer?.pointee.base {
            delegate?.stream(self, received: UnsafeRawBufferPointer(start: base, count: count))
        } else if count < 0 {
            // EOF or an error: the stream is over; never read again.
            close(error: failedWrite ?? (count == Int(UV_EOF.rawValue) ? nil : UVError(Int32(count), "read")))
        }
        // count == 0 means "nothing this time" (EAGAIN), not end of stream.
    }

    /// Queues bytes for sending. The bytes are copied; the copy lives until the write completes.
    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        loop.assertInLoop()
        guard !isClosed, bytes.count > 0 else { return }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        copy.copyMemory(from: bytes)
        write(taking: copy)
    }

    /// Queues a buffer the stream now owns: it is deallocated once written (or if the stream
    /// closes first). Saves a copy on the hot path.
    public func write(taking bytes: UnsafeMutableRawBufferPointer) {
        loop.assertInLoop()
        // After a failed write the socket takes nothing more; the stream only reads what is left.
        guard !isClosed, failedWrite == nil, bytes.count > 0, let base = bytes.baseAddress else {
            bytes.deallocate()
            return
        }
        let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
        let context = WriteContext(stream: self, storage: base, count: bytes.count)
        uv_req_set_data(UnsafeMutableRawPointer(request).assumingMemoryBound(to: uv_req_t.self),
                        Unmanaged.passRetained(context).toOpaque())
        var buffer = uv_buf_init(base.assumingMemoryBound(to: CChar.self), UInt32(bytes.count))
        pendingWriteBytes += bytes.count
        if pendingWriteBytes >= highWaterMark { wasFull = true }
        let status = uv_write(request, EventLoop.stream(tcp), &buffer, 1) { request, status in
            guard let request else { return }
            let raw = UnsafeMutableRawPointer(request).assumingMemoryBound(to: uv_req_t.self)
            let context = Unmanaged<WriteContext>.fromOpaque(uv_req_get_data(raw)!).takeRetainedValue()
            context.storage.deallocate()
            request.deallocate()
            context.stream.didWrite(context.count, status: status)
        }
        if status != 0 {
            let context = Unmanaged<WriteContext>.fromOpaque(
                uv_req_get_data(UnsafeMutableRawPointer(request).assumingMemoryBound(to: uv_req_t.self))!).takeRetainedValue()
            context.storage.deallocate()
            request.deallocate()
            pendingWriteBytes -= bytes.count
            fail(UVError(status, "write"))
        }
    }

    private func didWrite(_ count: Int, status: Int32) {
        pendingWriteBytes -= count
        if status != 0 {
            // UV_ECANCELED: the stream closed with this write still queued; nothing to report.
            if status != Int32(UV_ECANCELED.rawValue) { failWrite(UVError(status, "write")) }
            return
        }
        bytesWritten += count
        lastWriteCompletedAt = loop.now
        if wasFull && pendingWriteBytes <= lowWaterMark && !isClosed {
            wasFull = false
            delegate?.streamBecameWritable(self)
        }
    }

    /// Closes after the queued writes are flushed (a graceful end: the peer reads what was
    /// sent, then EOF).
    public func shutdownAndClose() {
        loop.assertInLoop()
        guard !isClosed else { return }
        stopReading()
        isShuttingDown = true
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        let status = uv_shutdown(request, EventLoop.stream(tcp)) { request, _ in
            guard let request else { return }
            let stream = request.pointee.handle.flatMap { TCPStream.from(EventLoop.handle($0)) }
            request.deallocate()
            stream?.close()
        }
        if status != 0 {
            request.deallocate()
            close()
        }
    }

    /// Closes now; queued writes are cancelled.
    public func close(error: UVError? = nil) {
        loop.assertInLoop()
        guard !isClosed else { return }
        isClosed = true
        isReading = false
        closeError = error
        loop.removeShutdownHook(self)
        uv_close(EventLoop.handle(tcp)) { handle in
            guard let handle, let context = uv_handle_get_data(handle) else { return }
            let stream = Unmanaged<TCPStream>.fromOpaque(context).takeRetainedValue()
            uv_handle_set_data(handle, nil)
            stream.tcp.deallocate()
            stream.delegate?.streamClosed(stream, error: stream.closeError)
        }
    }

    private func fail(_ error: UVError) {
        close(error: error)
    }

    /// A write failed: the peer is gone (EPIPE, ECONNRESET). What it sent before it went away —
    /// typically an `error` saying why it closed — may still lie unread in the kernel, all the
    /// more when reading was paused because our writes had piled up (a big upload). Closing now
    /// would drop it, and the owner would learn only that the write failed. So read on: the read
    /// ends at once with the rest, then EOF or the reset, and closes with this write's error.
    private func failWrite(_ error: UVError) {
        guard !isClosed else { return }
        guard failedWrite == nil else { return }
        guard hasReadBefore, !isShuttingDown else { return close(error: error) }
        failedWrite = error
        startReading()
    }

    static func from(_ handle: UnsafeMutablePointer<uv_handle_t>) -> TCPStream? {
        guard let context = uv_handle_get_data(handle) else { return nil }
        return Unmanaged<TCPStream>.fromOpaque(context).takeUnretainedValue()
    }

    /// The address of the remote end, `host:port`.
    public var peerAddress: String {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { uv_tcp_getpeername(tcp, $0, &length) }
        }
        return status == 0 ? SocketAddress.describe(storage) : "unknown"
    }
}

/// What a write request carries to its callback.
private final class WriteContext {
    let stream: TCPStream
    let storage: UnsafeMutableRawPointer
    let count: Int

    init(stream: TCPStream, storage: UnsafeMutableRawPointer, count: Int) {
        self.stream = stream
        self.storage = storage
        self.count = count
    }
}
