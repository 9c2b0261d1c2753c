import Foundation
import ReplicaStore
import SQLiteKit

/// What `central check` found in the central's data directory.
public struct CentralCheckReport: Equatable, Sendable {
    /// What is wrong with `central.sqlite` (`PRAGMA integrity_check`'s findings, or why it could
    /// not be opened or checked); empty when the database is sound.
    public let databaseProblems: [String]
    /// Evidence files re-hashed.
    public let evidenceChecked: Int
    /// Those that did not match their SHA-256, now set aside in `blobs/quarantine/`.
    public let quarantined: [EvidenceStore.DamagedBlob]

    public var isHealthy: Bool { databaseProblems.isEmpty && quarantined.isEmpty }
}

extension Central {
    /// Checks the database's integrity and every evidence file against its SHA-256, setting
    /// damaged ones aside as the server does when a laptop asks for one: the central then lacks
    /// them, and asks for them again from the next laptop that offers them. Safe while `central
    /// serve` runs. A database too damaged to open does not stop the evidence check.
    public static func check(at directory: URL) throws -> CentralCheckReport {
        var problems: [String] = []
        do {
            problems = try Central(opening: directory).database.integrityProblems()
        } catch let error as CentralError {
            throw error   // no central here: nothing to check
        } catch {
            problems = ["\(error)"]
        }
        let (checked, damaged) = EvidenceStore(root: directory.appendingPathComponent("blobs")).setAsideEveryDamagedBlob()
        return CentralCheckReport(databaseProblems: problems, evidenceChecked: checked, quarantined: damaged)
    }
}

extension EvidenceStore.DamagedBlob {
    /// `blobs/quarantine/…`, where it now is inside the data directory.
    public var keptAtInDataDirectory: String? {
        keptAt.map { "blobs/quarantine/\($0.lastPathComponent)" }
    }

    /// What an operator reads about a blob the central found damaged.
    public var operatorNote: String {
        let kept = keptAtInDataDirectory.map { "set aside as \($0)" }
            ?? problem.map { "could not be set aside (\($0)); move it out of blobs/sha256/ by hand" }
            ?? "already set aside"
        return "evidence \(sha256) is damaged (its bytes hash to \(actual)); \(kept); "
            + "the next laptop that offers it uploads a good copy"
    }
}
