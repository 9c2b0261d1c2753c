import Foundation
import MergeCore
import ReplicaStore
import SQLiteKit

/// Applying N merge records to a replica, against the floor: the same N values upserted raw,
/// with one prepared statement in one transaction, into a plain table keyed by
/// (entity, key, field). Both runs use fresh files and the same durable WAL settings.
struct MergeBenchmark {
    let records: Int
    let directory: URL

    struct Result {
        var records = 0
        var seconds = 0.0
        var baselineSeconds = 0.0
        var applied = 0
        var conflicts = 0
        var peakRSSBytes = 0
    }

    func run() throws -> Result {
        var result = Result()
        result.records = records
        result.baselineSeconds = try ProcessStats.wallSeconds { try insertRaw() }
        var report = ApplyReport()
        result.seconds = try ProcessStats.wallSeconds { report = try applyMerge() }
        result.applied = report.applied
        result.conflicts = report.conflicts
        result.peakRSSBytes = ProcessStats.peakResidentBytes()
        return result
    }

    private func insertRaw() throws {
        let database = try Database(path: directory.appendingPathComponent("baseline.sqlite").path)
        try database.execute("""
            CREATE TABLE raw (entity TEXT NOT NULL, key TEXT NOT NULL, field TEXT NOT NULL, value BLOB NOT NULL,
                              PRIMARY KEY (entity, key, field))
            """)
        let insert = try database.prepare("""
            INSERT INTO raw(entity, key, field, value) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT(entity, key, field) DO UPDATE SET value = excluded.value
            """)
        try database.transaction {
            for record in MergeWorkload(count: records) {
                insert.bind(1, record.entity)
                insert.bind(2, record.key)
                insert.bind(3, record.field)
                insert.bind(4, blob: record.value.encoded())
                try insert.run()
            }
        }
    }

    private func applyMerge() throws -> ApplyReport {
        let store = try ReplicaStore(path: directory.appendingPathComponent("replica.sqlite").path, create: true)
        return try store.apply(MergeWorkload(count: records))
    }
}

enum ProcessStats {
    /// The high-water mark of resident memory (Linux reports kilobytes).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// Wall-clock seconds `body` took.
    static func wallSeconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// User plus system CPU time of the whole process so far, in seconds: over a phase, how many
    /// of the machine's cores the phase kept busy.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
