import CLibUV

/// A one-shot or repeating timer on a loop. Loop-thread only.
public final class LoopTimer {
    public let loop: EventLoop
    private let timer: UnsafeMutablePointer<uv_timer_t>
    private var action: (() -> Void)?
    private var isClosed = false

    public init(loop: EventLoop) {
        loop.assertInLoop()
        self.loop = loop
        timer = .allocate(capacity: 1)
        uv_timer_init(loop.loop, timer)
        uv_handle_set_data(EventLoop.handle(timer), Unmanaged.passRetained(self).toOpaque())
        loop.onShutdown(self) { [unowned self] in close() }
    }

    /// Calls `action` after `milliseconds`, then every `repeatMilliseconds` if that is not 0.
    /// Scheduling again replaces the previous schedule.
    public func schedule(after milliseconds: UInt64, repeat repeatMilliseconds: UInt64 = 0, _ action: @escaping () -> Void) {
        guard !isClosed else { return }
        self.action = action
        uv_timer_start(timer, { timer in
            guard let timer, let context = uv_handle_get_data(EventLoop.handle(timer)) else { return }
            Unmanaged<LoopTimer>.fromOpaque(context).takeUnretainedValue().action?()
        }, milliseconds, repeatMilliseconds)
    }

    public func cancel() {
        guard !isClosed else { return }
        uv_timer_stop(timer)
        action = nil
    }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        action = nil
        loop.removeShutdownHook(self)
        uv_close(EventLoop.handle(timer)) { handle in
            guard let handle, let context = uv_handle_get_data(handle) else { return }
            let timer = Unmanaged<LoopTimer>.fromOpaque(context).takeRetainedValue()
            timer.timer.deallocate()
        }
    }
}
