import CanonicalJSON
import Foundation

/// auditsync-bench: measures AuditSync against the limits of the machine it runs on.
/// Run it from a release build: `swift run -c release auditsync-bench merge --records 1000000 --json`.
let usage = """
    usage: auditsync-bench merge [--records N] [--json]
           auditsync-bench channel [--json]
           auditsync-bench sync [--records N] [--json]
           auditsync-bench swarm [--nodes N] [--json]

      merge    apply N merge records to a fresh replica, and upsert the same N values raw into a
               plain SQLite table in the same run; report both and their ratio.
      channel  send the same messages over plain libuv TCP and over the encrypted channel on
               loopback, 64 KiB and 100-byte messages; report both rates and their ratio.
      sync     a central with N records serves a fresh field node over loopback: time the initial
               sync against inserting the same rows raw, then an incremental sync of 10 records
               at N and at 10,000 records; report times, ratios and peak memory.
      swarm    N field nodes (default 200) with offline work in one audit sync with one central
               at the same moment, twice; report times and how many converged with nothing lost.
    """

var arguments = Array(CommandLine.arguments.dropFirst())
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(2)
}

guard let command = arguments.first else { fail("name a benchmark\n\(usage)") }
arguments.removeFirst()
var records = 1_000_000
var nodes = 200
var json = false
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--records":
        guard let value = arguments.first.flatMap(Int.init), value > 0 else { fail("--records takes a positive whole number") }
        records = value
        arguments.removeFirst()
    case "--nodes":
        guard let value = arguments.first.flatMap(Int.init), value > 0 else { fail("--nodes takes a positive whole number") }
        nodes = value
        arguments.removeFirst()
    case "--json": json = true
    case "--help", "-h":
        print(usage)
        exit(0)
    default: fail("unknown option \(argument)\n\(usage)")
    }
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("auditsync-bench-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

switch command {
case "merge":
    do {
        let result = try MergeBenchmark(records: records, directory: directory).run()
        let document: JSONValue = [
            "benchmark": "merge",
            "records": .int(result.records),
            "seconds": .double(result.seconds),
            "records_per_second": .double(Double(result.records) / result.seconds),
            "baseline_seconds": .double(result.baselineSeconds),
            "baseline_records_per_second": .double(Double(result.records) / result.baselineSeconds),
            "ratio": .double(result.seconds / result.baselineSeconds),
            "applied": .int(result.applied),
            "conflicts": .int(result.conflicts),
            "peak_rss_bytes": .int(result.peakRSSBytes),
        ]
        if json {
            print(document.encoded(pretty: false))
        } else {
            print(document.encoded(pretty: true))
        }
    } catch {
        fail("\(error)")
    }
case "sync":
    do {
        let result = try SyncBenchmark(records: records, directory: directory).run()
        let document: JSONValue = [
            "benchmark": "sync",
            "records": .int(result.records),
            "received": .int(result.received),
            "initial_seconds": .double(result.initialSeconds),
            "initial_records_per_second": .double(Double(result.received) / result.initialSeconds),
            "raw_insert_seconds": .double(result.rawSeconds),
            "initial_ratio": .double(result.initialSeconds / result.rawSeconds),
            "initial_unverified_seconds": .double(result.unverifiedInitialSeconds),
            "verification_overhead": .double(result.initialSeconds / result.unverifiedInitialSeconds - 1),
            "incremental_seconds": .double(result.incrementalSeconds),
            "small_replica_records": .int(SyncBenchmark.smallRecords),
            "small_incremental_seconds": .double(result.smallIncrementalSeconds),
            "incremental_ratio": .double(result.incrementalSeconds / result.smallIncrementalSeconds),
            "peak_rss_bytes": .int(result.peakRSSBytes),
        ]
        print(document.encoded(pretty: !json))
    } catch {
        fail("\(error)")
    }
case "swarm":
    do {
        let result = try SwarmBenchmark(nodes: nodes, directory: directory).run()
        let document: JSONValue = [
            "benchmark": "swarm",
            "nodes": .int(result.nodes),
            "first_round_seconds": .double(result.firstRoundSeconds),
            "second_round_seconds": .double(result.secondRoundSeconds),
            "central_records": .int(result.centralRecords),
            "converged_nodes": .int(result.converged),
            "errors": .array(result.failures.map(JSONValue.string)),
            "peak_rss_bytes": .int(ProcessStats.peakResidentBytes()),
        ]
        print(document.encoded(pretty: !json))
    } catch {
        fail("\(error)")
    }
case "channel":
    let outcome = ChannelOutcome()
    let finished = DispatchSemaphore(value: 0)
    Task.detached {
        let benchmark = ChannelBenchmark()
        do {
            let large = try await benchmark.run(size: 64 * 1024, count: 16_384, perBatch: 4)
            let small = try await benchmark.run(size: 100, count: 4_000_000, perBatch: 2_500)
            outcome.value = .success((large, small, try benchmark.cipherMegabytesPerSecond()))
        } catch {
            outcome.value = .failure(error)
        }
        benchmark.shutdown()
        finished.signal()
    }
    finished.wait()
    switch outcome.value! {
    case .failure(let error):
        fail("\(error)")
    case .success(let (large, small, cipher)):
        // The best the channel could do here: every core busy, nothing spent beyond what plain
        // TCP spends plus one seal and one open per byte at the cipher's own speed.
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        let ceilingNsPerByte = (large.plainCPUSeconds * 1e9 / Double(large.payloadBytes) + 2 * 1e3 / cipher) / cores
        let ceilingMBps = 1e3 / ceilingNsPerByte
        let document: JSONValue = [
            "benchmark": "channel",
            "message_bytes": .int(large.messageSize),
            "messages": .int(large.messages),
            "plain_mb_per_second": .double(large.plainMBps),
            "plain_raw_mb_per_second": .double(large.rawMBps),
            "raw_ratio": .double(large.secureMBps / large.rawMBps),
            "secure_mb_per_second": .double(large.secureMBps),
            "ratio": .double(large.secureMBps / large.plainMBps),
            "plain_cores_busy": .double(large.plainCPUSeconds / large.plainSeconds),
            "secure_cores_busy": .double(large.secureCPUSeconds / large.secureSeconds),
            "plain_cpu_ns_per_byte": .double(large.plainCPUSeconds * 1e9 / Double(large.payloadBytes)),
            "secure_cpu_ns_per_byte": .double(large.secureCPUSeconds * 1e9 / Double(large.payloadBytes)),
            "cipher_mb_per_second": .double(cipher),
            "cores": .int(Int(cores)),
            "secure_ceiling_mb_per_second": .double(ceilingMBps),
            "ratio_ceiling": .double(ceilingMBps / large.plainMBps),
            "secure_to_cipher_ratio": .double(large.secureMBps / cipher),
            "small_message_bytes": .int(small.messageSize),
            "small_messages": .int(small.messages),
            "small_plain_messages_per_second": .double(Double(small.messages) / small.plainSeconds),
            "small_secure_messages_per_second": .double(Double(small.messages) / small.secureSeconds),
            "small_ratio": .double(small.plainSeconds / small.secureSeconds),
            "peak_rss_bytes": .int(ProcessStats.peakResidentBytes()),
        ]
        print(document.encoded(pretty: !json))
    }
default:
    fail("unknown benchmark \(command)\n\(usage)")
}

/// The channel benchmark's outcome, handed from its task to the main thread.
final class ChannelOutcome: @unchecked Sendable {
    var value: Result<(ChannelBenchmark.Result, ChannelBenchmark.Result, Double), Error>?
}
