import Dispatch

/// Runs async work from synchronous code — a command's main thread, a benchmark's steps, a
/// field node's database thread — and waits for it. Detached: work that needed the waiting
/// thread's actor (the main actor, from a command) would otherwise wait forever.
public func blockingWait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = BlockingResult<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { box.value = .success(try await work()) } catch { box.value = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.value!.get()
}

/// The result, handed from the task to the waiting thread; the semaphore orders the two.
private final class BlockingResult<T>: @unchecked Sendable {
    var value: Result<T, Error>?
}
