import NoiseProtocol
import WireProtocol

/// What a secure connection tells its owner, on the loop thread.
protocol SecureConnectionOwner: AnyObject {
    func connectionEstablished(_ connection: SecureConnection, peer: SecureSession.Peer)
    func connection(_ connection: SecureConnection, received message: WireMessage)
    func connectionClosed(_ connection: SecureConnection, reason: String)
    /// The outgoing queue drained below the low-water mark after passing the high-water mark.
    func connectionBecameWritable(_ connection: SecureConnection)
}

/// A TCP stream with a `SecureSession` on it: the edge where bytes from libuv meet the pure
/// protocol core. It adds what only the edge can: timeouts, and backpressure — when the peer
/// stops reading and our writes pile up past the stream's high-water mark, we stop reading its
/// requests until they drain, so an unread peer cannot grow our memory.
///
/// Loop-thread only.
public final class SecureConnection: @unchecked Sendable {
    public struct Limits: Sendable {
        public var handshakeTimeoutMilliseconds: UInt64 = 10_000
        public var idleTimeoutMilliseconds: UInt64 = 120_000
        /// Once a frame's first byte is in, the rest of it (65,537 bytes at most) must follow
        /// within this. A length damaged to more than the bytes that follow would otherwise
        /// leave this side waiting for bytes that never come — and the peer for an answer —
        /// until the idle timeout; 15 s carries a whole frame over links far slower than 64 kbit/s.
        public var frameCompletionTimeoutMilliseconds: UInt64 = 15_000
        /// How long a graceful close (`close(error:)`, `finish`) waits for what is queued — the
        /// `error` saying why, last — to be flushed before it closes at once. A peer that stopped
        /// reading never takes it: without this bound the connection would never close, and
        /// `SecureServer.stop` would wait for it forever.
        public var flushTimeoutMilliseconds: UInt64 = 10_000
        public var maxMessagePayload = 4 << 20
        /// Pending outgoing bytes above which the connection stops reading.
        public var writeHighWaterMark = 4 << 20
        /// At most this many bytes the kernel holds unsent for this socket (TCP_NOTSENT_LOWAT);
        /// nil leaves the kernel's default. Bytes already in flight are not limited, so a long
        /// link stays full; what sat unsent in a buffer is what a dropped link would waste.
        public var unsentSocketBytes: Int?
        public init() {}
    }

    let stream: TCPStream
    private var session: SecureSession
    weak var owner: SecureConnectionOwner?
    /// The connection's one clock, set for the earliest deadline that applies: the handshake's,
    /// then the idle one, and the frame deadline while a frame is incomplete. Activity does not restart it (that would cost a timer restart per
    /// read); when it fires, `checkDeadlines` looks at when things last moved and either closes
    /// or sets it again for the deadline that applies now — measured from the last activity,
    /// never from when the check ran, so a deadline is never pushed a whole period late.
    private let timer: LoopTimer
    /// When the clock is set to fire (loop time), nil while it is not set.
    private var timerDue: UInt64?
    private var startedAt: UInt64 = 0
    private var lastReceivedAt: UInt64 = 0
    /// Write progress as last looked at: the bytes the socket had taken, and when a write still
    /// in progress was last seen moving (completed writes carry their own time).
    private var writeSample: (taken: Int, at: UInt64) = (0, 0)
    /// While a frame is incomplete: when its first byte came, and how many frames had been
    /// received whole before it (a change means the incomplete frame is a new one).
    private var frameStart: (at: UInt64, framesBefore: Int)?
    private let limits: Limits
    public private(set) var peer: SecureSession.Peer?
    public let address: String
    private var closeReason: String?
    private var pausedForBackpressure = false
    /// Why this side refused the peer during the handshake (a central whose key is not the pinned
    /// one), when that is why it closed.
    public private(set) var localRefusal: ChannelError?
    /// Set once the connection is on its way out: nothing more is delivered to the owner.
    public private(set) var isClosing = false

    init(stream: TCPStream, session: SecureSession, limits: Limits, owner: SecureConnectionOwner) {
        self.stream = stream
        self.session = session
        self.limits = limits
        self.owner = owner
        address = stream.peerAddress
        timer = LoopTimer(loop: stream.loop)
        stream.highWaterMark = limits.writeHighWaterMark
        stream.lowWaterMark = limits.writeHighWaterMark / 4
        stream.delegate = self
    }

    public var loop: EventLoop { stream.loop }
    public var isClosed: Bool { stream.isClosed }
    public var pendingWriteBytes: Int { stream.pendingWriteBytes }

    /// Starts reading; the initiator also sends Noise message 1.
    func start() {
        startedAt = loop.now
        scheduleCheck()
        if session.role == .initiator {
            do {
                stream.write(try session.start())
            } catch {
                close(reason: "\(error)")
                return
            }
        }
        stream.startReading()
    }

    /// Seals and queues a message. Messages queue even past the high-water mark (the caller
    /// paces itself with `isWritable`); reading pauses until the queue drains.
    public func send(_ message: WireMessage) {
        send(contentsOf: [message])
    }

    /// Seals several messages into shared Noise messages and queues them.
    public func send(contentsOf messages: [WireMessage]) {
        loop.assertInLoop()
        guard !stream.isClosed, !isClosing, !messages.isEmpty else { return }
        do {
            stream.write(taking: try session.sealForWriting(messages))
        } catch {
            close(reason: "\(error)")
            return
        }
        if !stream.isWritable && !pausedForBackpressure {
            pausedForBackpressure = true
            stream.stopReading()
        }
        scheduleCheck()
    }

    public var isWritable: Bool { stream.isWritable }

    /// Says why in an `error` message (when the channel is up), then closes once it is flushed.
    public func close(error: ChannelError) {
        loop.assertInLoop()
        guard !stream.isClosed, !isClosing else { return }
        isClosing = true
        if session.phase == .established, let sealed = try? session.seal(error.message) {
            stream.write(sealed)
        }
        closeReason = closeReason ?? "\(error)"
        shutdownAndClose()
    }

    /// Closes once what was sent is flushed, without an error: the exchange is complete (an
    /// enrollment answered, say).
    public func finish(reason: String) {
        loop.assertInLoop()
        guard !stream.isClosed, !isClosing else { return }
        isClosing = true
        closeReason = closeReason ?? reason
        shutdownAndClose()
    }

    /// Closes at once, logging `reason`.
    public func close(reason: String) {
        loop.assertInLoop()
        isClosing = true
        closeReason = closeReason ?? reason
        timer.close()
        stream.close()
    }

    /// Flushes, then closes; the clock now only bounds the flush.
    private func shutdownAndClose() {
        timerDue = nil
        let flush = limits.flushTimeoutMilliseconds
        timer.schedule(after: flush) { [weak self] in
            guard let self, !stream.isClosed else { return }
            closeReason = (closeReason ?? "closed") + "; what was queued was not taken within \(Self.duration(flush))"
            timer.close()
            stream.close()
        }
        stream.shutdownAndClose()
    }

    /// "300 ms", "120 s": how the log and the peer are told a limit.
    static func duration(_ milliseconds: UInt64) -> String {
        milliseconds < 1000 || milliseconds % 1000 != 0 ? "\(milliseconds) ms" : "\(milliseconds / 1000) s"
    }

    /// Idle means neither side made progress: nothing arrived, and nothing we sent was taken by
    /// the socket. A peer that only reads a long download, or a long upload to a peer that
    /// only listens, is busy, not idle.
    private var lastActivity: UInt64 {
        max(lastReceivedAt, stream.lastWriteCompletedAt, writeSample.at)
    }

    /// Runs when the clock fires: closes if a deadline has passed, else sets the clock again.
    private func checkDeadlines() {
        timerDue = nil
        guard !isClosing, !stream.isClosed else { return }
        let now = loop.now
        if let frameStart, !pausedForBackpressure, now >= frameStart.at + limits.frameCompletionTimeoutMilliseconds {
            return closeForIncompleteFrame(startedAt: frameStart.at, now: now)
        }
        if session.phase == .established {
            noteWriteProgress(now)
            let idle = limits.idleTimeoutMilliseconds
            if now >= lastActivity + idle {
                return close(error: ChannelError(.timeout, "nothing received or sent for \(Self.duration(idle))"))
            }
        } else if now >= startedAt + limits.handshakeTimeoutMilliseconds {
            return close(reason: "handshake not finished within \(Self.duration(limits.handshakeTimeoutMilliseconds))")
        }
        scheduleCheck()
    }

    /// A write still in progress moves without a callback: it counts as activity when it is seen
    /// to have moved. While writes are pending the clock looks at least every eighth of the idle
    /// timeout, so that errs by at most that much, on the side of keeping the connection.
    private func noteWriteProgress(_ now: UInt64) {
        let taken = stream.bytesTaken
        guard taken != writeSample.taken else { return }
        writeSample = (taken, taken > stream.bytesWritten ? now : writeSample.at)
    }

    /// Starts the frame deadline when a new frame is left incomplete, and drops it when none is.
    /// Measured per frame, so a long transfer arriving slowly, always with some frame in
    /// progress, is cut only if one frame takes longer than the deadline.
    private func trackIncompleteFrame() {
        guard session.incompleteFrame != nil else { frameStart = nil; return }
        if frameStart?.framesBefore != session.framesReceived {
            frameStart = (loop.now, session.framesReceived)
        }
    }

    /// Nothing that arrived failed a check — the rest may still be on a very slow way — so this
    /// is a timeout, not a framing error: on an established channel the peer is told (code 7),
    /// since our direction of the channel is sound and the peer may be waiting for an answer.
    /// During the handshake there is no channel to say it on.
    private func closeForIncompleteFrame(startedAt: UInt64, now: UInt64) {
        let age = Self.duration(now - startedAt)
        let reason: String
        if let length = session.incompleteFrame?.claimedLength {
            let received = session.incompleteFrame?.bytesReceived ?? 0
            reason = "a frame of \(length) bytes started \(age) ago is still incomplete, \(received) of them arrived (a damaged length?)"
        } else {
            reason = "a frame started \(age) ago is still incomplete, only the first byte of its length arrived"
        }
        if session.phase == .established {
            close(error: ChannelError(.timeout, reason))
        } else {
            close(reason: reason)
        }
    }

    /// Sets the clock for the earliest deadline that applies, unless it is set for sooner already
    /// (a later deadline is found when it fires).
    private func scheduleCheck() {
        guard !isClosing, !stream.isClosed else { return }
        let now = loop.now
        var due: UInt64
        if session.phase == .established {
            let idle = limits.idleTimeoutMilliseconds
            due = lastActivity + idle
            if stream.pendingWriteBytes > 0 { due = min(due, now + max(idle / 8, 1)) }
        } else {
            due = startedAt + limits.handshakeTimeoutMilliseconds
        }
        if let frameStart, !pausedForBackpressure { due = min(due, frameStart.at + limits.frameCompletionTimeoutMilliseconds) }
        if let timerDue, timerDue <= due { return }
        timerDue = due
        timer.schedule(after: due > now ? due - now : 0) { [weak self] in self?.checkDeadlines() }
    }
}

extension SecureConnection: TCPStreamDelegate {
    public func stream(_ stream: TCPStream, received bytes: UnsafeRawBufferPointer) {
        lastReceivedAt = loop.now
        let events: [SecureSession.Event]
        do {
            events = try session.receive(bytes)
        } catch {
            if case .refused(let refusal) = error { localRefusal = refusal }
            close(reason: "\(error)")
            return
        }
        trackIncompleteFrame()
        // The handshake may have ended (the idle deadline can come before the handshake's), or a
        // frame begun (its deadline comes before either).
        scheduleCheck()
        for event in events where !isClosing {
            switch event {
            case .send(let bytes):
                stream.write(bytes)
            case .established(let peer):
                self.peer = peer
                owner?.connectionEstablished(self, peer: peer)
            case .message(let message):
                owner?.connection(self, received: message)
            case .close(let error):
                isClosing = true
                closeReason = "\(error)"
                shutdownAndClose()
            }
        }
    }

    public func streamBecameWritable(_ stream: TCPStream) {
        if pausedForBackpressure {
            pausedForBackpressure = false
            // While we did not read, the incomplete frame could not complete: its time starts anew.
            if frameStart != nil { frameStart?.at = loop.now }
            stream.startReading()
            scheduleCheck()
        }
        owner?.connectionBecameWritable(self)
    }

    public func streamClosed(_ stream: TCPStream, error: UVError?) {
        timer.close()
        let reason = closeReason ?? error.map { "\($0)" } ?? "closed by the peer"
        owner?.connectionClosed(self, reason: reason)
    }
}
