import Dispatch
import Foundation
import NoiseProtocol
import Transport
import WireProtocol

/// The same one-way transfer of messages over plain libuv TCP and over the encrypted channel, on
/// loopback, in one run: what the channel costs. On both sides the receiver gets whole
/// `WireMessage`s out of the same message decoder; the plain one without decryption. The raw run
/// — bytes counted, not even read as messages — is reported too, as the network's own ceiling.
struct ChannelBenchmark {
    struct Result {
        var messageSize = 0
        var messages = 0
        var plainSeconds = 0.0
        var rawSeconds = 0.0
        var secureSeconds = 0.0
        /// CPU seconds (all threads, user and kernel) each transfer used.
        var plainCPUSeconds = 0.0
        var secureCPUSeconds = 0.0
        var payloadBytes: Int { messageSize * messages }
        var plainMBps: Double { Double(payloadBytes) / plainSeconds / 1e6 }
        var rawMBps: Double { Double(payloadBytes) / rawSeconds / 1e6 }
        var secureMBps: Double { Double(payloadBytes) / secureSeconds / 1e6 }
    }

    let serverLoop = EventLoop(name: "bench-server")
    let clientLoop = EventLoop(name: "bench-client")

    func shutdown() {
        clientLoop.shutdown()
        serverLoop.shutdown()
    }

    /// Sends `count` messages of `size` payload bytes, `perBatch` at a time.
    func run(size: Int, count: Int, perBatch: Int) async throws -> Result {
        var result = Result()
        result.messageSize = size
        result.messages = count
        let message = WireMessage(.pong, [UInt8](repeating: 0x5A, count: size))
        result.rawSeconds = try await measure {
            try await plainTransfer(message, count: count, perBatch: perBatch, readMessages: false)
        }.wall
        (result.plainSeconds, result.plainCPUSeconds) = try await measure {
            try await plainTransfer(message, count: count, perBatch: perBatch, readMessages: true)
        }
        (result.secureSeconds, result.secureCPUSeconds) = try await measure {
            try await secureTransfer(message, count: count, perBatch: perBatch)
        }
        return result
    }

    /// Wall-clock and CPU seconds of `body`.
    @discardableResult
    private func measure(_ body: () async throws -> Void) async rethrows -> (wall: Double, cpu: Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = ProcessStats.cpuSeconds()
        try await body()
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, ProcessStats.cpuSeconds() - cpuStart)
    }

    /// ChaCha20-Poly1305 alone on one core, sealing full Noise messages: the ceiling for one
    /// connection's direction, whatever the network can carry.
    func cipherMegabytesPerSecond(totalBytes: Int = 256 << 20) throws -> Double {
        var cipher = try CipherState(key: [UInt8](repeating: 0x42, count: 32))
        let plaintext = [UInt8](repeating: 0x5A, count: NoiseConstants.maxPlaintextLength)
        var output: [UInt8] = []
        output.reserveCapacity(NoiseConstants.maxMessageLength)
        let start = DispatchTime.now().uptimeNanoseconds
        var sealed = 0
        while sealed < totalBytes {
            output.removeAll(keepingCapacity: true)
            try cipher.encryptWithAd([], plaintext: plaintext, appendingTo: &output)
            sealed += plaintext.count
        }
        return Double(sealed) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) / 1e6
    }

    // MARK: Plain TCP: the framed bytes written raw.

    private func plainTransfer(_ message: WireMessage, count: Int, perBatch: Int, readMessages: Bool) async throws {
        let batch = Array((0..<perBatch).map { _ in message.encoded() }.joined())
        let sink = readMessages
            ? PlainSink(expectedPayload: message.payload.count * count)
            : PlainSink(expectedBytes: message.encoded().count * count)
        let listener = try await PlainTCP.listen(on: serverLoop, host: "127.0.0.1", port: 0) { stream in
            stream.delegate = sink
            sink.stream = stream
            stream.startReading()
        }
        let stream = try await PlainTCP.connect(on: clientLoop, host: "127.0.0.1", port: listener.port)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            clientLoop.execute {
                let source = PlainSource(stream: stream, batch: batch, batches: count / perBatch, done: done)
                stream.delegate = source
                source.retainSelf = source
                stream.startReading()
                source.pump()
            }
        }
        await withCheckedContinuation { (closed: CheckedContinuation<Void, Never>) in
            serverLoop.execute {
                listener.close()
                sink.stream?.close()
                closed.resume()
            }
        }
    }

    // MARK: The encrypted channel: the same messages, sealed.

    private func secureTransfer(_ message: WireMessage, count: Int, perBatch: Int) async throws {
        let serverKey = StaticKeyPair.generate()
        let clientKey = StaticKeyPair.generate()
        let handler = CountingHandler(expectedBytes: message.payload.count * count)
        var configuration = SecureServer.Configuration(
            host: "127.0.0.1", port: 0, staticKey: serverKey,
            hello: Hello(versions: ProtocolVersion.supported, node: 1, role: .central, name: "bench"))
        configuration.limits.maxMessagePayload = max(configuration.limits.maxMessagePayload, message.payload.count)
        let (server, address) = try await SecureServer.start(on: serverLoop, configuration: configuration, handler: handler) { _ in }
        let port = UInt16(address.split(separator: ":").last!)!
        let client = try await SecureClient.connect(on: clientLoop, SecureClient.Configuration(
            host: "127.0.0.1", port: port, staticKey: clientKey,
            hello: Hello(versions: ProtocolVersion.supported, node: 2, role: .field, name: "bench"),
            pinnedServerKey: serverKey.publicKey))
        let batch = Array(repeating: message, count: perBatch)
        for _ in 0..<(count / perBatch) { try await client.send(contentsOf: batch) }
        _ = try await client.receive()   // the server says it has everything
        await client.close()
        await server.stop()
    }
}

/// The server side of the plain transfers: reads whole messages (or, for the raw run, only counts
/// bytes); answers one byte when all arrived.
private final class PlainSink: TCPStreamDelegate, @unchecked Sendable {
    private let expected: Int
    private var received = 0
    private var messages: MessageDecoder?
    var stream: TCPStream?

    init(expectedPayload: Int) {
        expected = expectedPayload
        messages = MessageDecoder(maxPayload: SecureConnection.Limits().maxMessagePayload)
    }

    init(expectedBytes: Int) {
        expected = expectedBytes
    }

    func stream(_ stream: TCPStream, received bytes: UnsafeRawBufferPointer) {
        if messages != nil {
            messages!.append(bytes)
            while let message = try? messages!.nextMessage() { received += message.payload.count }
        } else {
            received += bytes.count
        }
        if received == expected { stream.write([1]) }
    }

    func streamBecameWritable(_ stream: TCPStream) {}
    func streamClosed(_ stream: TCPStream, error: UVError?) {}
}

/// Writes batches while the stream is under its high-water mark; resumes when it drains.
private final class PlainSource: TCPStreamDelegate {
    let stream: TCPStream
    let batch: [UInt8]
    var remaining: Int
    let done: CheckedContinuation<Void, Never>
    var retainSelf: PlainSource?

    init(stream: TCPStream, batch: [UInt8], batches: Int, done: CheckedContinuation<Void, Never>) {
        self.stream = stream
        self.batch = batch
        remaining = batches
        self.done = done
    }

    func pump() {
        while remaining > 0 && stream.isWritable {
            stream.write(batch)
            remaining -= 1
        }
    }

    func stream(_ stream: TCPStream, received bytes: UnsafeRawBufferPointer) {
        stream.close()
    }

    func streamBecameWritable(_ stream: TCPStream) { pump() }

    func streamClosed(_ stream: TCPStream, error: UVError?) {
        done.resume()
        retainSelf = nil
    }
}

/// The secure transfer's server: counts payload bytes; answers with a pong when all arrived.
private final class CountingHandler: SecureServerHandler, @unchecked Sendable {
    let expectedBytes: Int
    var received = 0

    init(expectedBytes: Int) { self.expectedBytes = expectedBytes }

    func admit(_ peer: SecureSession.Peer, on connection: SecureConnection) -> ChannelError? { nil }

    func received(_ message: WireMessage, on connection: SecureConnection) {
        received += message.payload.count
        if received == expectedBytes { connection.send(WireMessage(.pong, [1])) }
    }

    func closed(_ connection: SecureConnection, reason: String) {}
}
