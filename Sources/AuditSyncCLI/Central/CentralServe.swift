import ArgumentParser
import CanonicalJSON
import CentralNode
import Dispatch
import Foundation
import Transport
import WireProtocol

struct CentralServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Accept field nodes over the encrypted AuditSync protocol until stopped.",
        discussion: """
            Listens on --listen (default: the address given at `central init`, else 0.0.0.0:7420; \
            port 0 picks a free port) and prints `listening on HOST:PORT` once ready. Only field \
            nodes whose key is enrolled get past the handshake; the rest are refused with a reason \
            on the channel. Connections and refusals are logged on stderr. SIGINT or SIGTERM \
            stops it cleanly: connected nodes are told, every connection is closed.

            Example:
              auditsync central serve --listen 0.0.0.0:7420 --data /var/lib/auditsync
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Where to listen; port 0 picks a free port.", valueName: "host:port"))
    var listen: String?

    func validate() throws {
        _ = try listenAddress()
    }

    /// The address given with --listen, if any.
    private func listenAddress() throws -> ListenAddress? {
        try parsingArgument { try listen.map { try ListenAddress(parsing: $0) } }
    }

    func run() throws {
        // Catch SIGINT/SIGTERM before anything can be announced: a signal sent the moment
        // `listening on` appears must still stop the server cleanly.
        let stop = StopSignal()
        let central = try global.openCentral()
        // Held until the process ends: no restore swaps the files of a running server.
        let lock = try ServeLock.acquire(in: global.dataDirectory)
        defer { withExtendedLifetime(lock) {} }
        // Partial uploads that a killed server left in blobs/tmp: nothing else ever removes them.
        let removed = central.replica.evidence.removeAbandonedTemporaries()
        if removed > 0 { ServeLog.write("removed \(removed) temporary files left in blobs/tmp by processes that are gone") }
        let address = try listenAddress() ?? central.listenAddress
        let name = try central.name
        let hello = Hello(versions: ProtocolVersion.supported, node: central.node.rawValue, role: .central, name: name)
        var configuration = SecureServer.Configuration(host: address.host, port: address.port,
                                                       staticKey: try central.staticKey(), hello: hello)
        configuration.maxConnections = 4096
        // What a pull has queued but the network has not taken is lost when the link drops, and
        // sent again: keep that small. 256 KiB still keeps a fast link busy (the kernel's own
        // buffers sit behind it), and a thousand laptops cost at most 256 MiB of queues.
        configuration.limits.writeHighWaterMark = CentralServer.writeHighWaterMark
        configuration.limits.unsentSocketBytes = CentralServer.unsentSocketBytes
        // The server's own connections to the data: used on its loop thread only.
        let handler = CentralServer(central: try global.openCentral(),
                                    nodes: try NodeDirectory(centralDirectory: global.dataDirectory),
                                    centralName: name, log: ServeLog.write)
        let loop = EventLoop(name: "auditsync-central")
        let started = StartResult()
        let ready = DispatchSemaphore(value: 0)
        Task {
            do {
                started.value = .success(try await SecureServer.start(on: loop, configuration: configuration,
                                                                       handler: handler, log: ServeLog.write))
            } catch {
                started.value = .failure(error)
            }
            ready.signal()
        }
        ready.wait()
        let server: SecureServer
        switch started.value! {
        case .success(let running):
            server = running.server
            global.emit(["listening": .string(running.address)], text: "listening on \(running.address)")
        case .failure(let error):
            loop.shutdown()
            throw error
        }

        let signal = stop.wait()
        ServeLog.write("received \(signal); stopping")
        let stopped = DispatchSemaphore(value: 0)
        Task {
            await server.stop()
            stopped.signal()
        }
        stopped.wait()
        loop.shutdown()
        ServeLog.write("stopped")
    }
}

/// The start-up outcome, handed from the starting task to the command's thread.
private final class StartResult: @unchecked Sendable {
    var value: Result<(server: SecureServer, address: String), Error>?
}

/// Lines on stderr, each with a UTC timestamp, written whole.
enum ServeLog {
    static let write: @Sendable (String) -> Void = { line in
        let stamp = ISO8601.string(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000))
        FileHandle.standardError.write(Data("\(stamp) \(line)\n".utf8))
    }
}

/// SIGINT and SIGTERM, held from the moment this is made: they are blocked in this thread
/// before any other thread exists (threads inherit the mask), so neither can be delivered
/// anywhere else or lost; `wait` takes the first one with `sigwait` and says which.
struct StopSignal {
    private var set = sigset_t()

    init() {
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    func wait() -> String {
        var set = self.set
        var number: Int32 = 0
        while sigwait(&set, &number) != 0 {}
        return number == SIGINT ? "SIGINT" : "SIGTERM"
    }
}
