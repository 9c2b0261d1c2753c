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
    /// Decisions whose audit document was hashed again.
    public var decisionsChecked = 0
    /// Decided audits whose document no longer hashes to what the decision names, in words.
    public var alteredDecisions: [String] = []

    public var isHealthy: Bool { databaseProblems.isEmpty && quarantined.isEmpty && alteredDecisions.isEmpty }
}

extension Central {
    /// Checks the database's integrity and every evidence file against its SHA-256, setting
    /// damaged ones aside as the server does when a laptop asks for one: the central then lacks
    /// them, and asks for them again from the next laptop that offers them. Safe while `central
    /// serve` runs. A database too damaged to open does not stop the evidence check.
    public static func check(at directory: URL) throws -> CentralCheckReport {
        var problems: [String] = []
        var decisions = (checked: 0, altered: [String]())
        do {
            let central = try Central(opening: directory)
            problems = try central.database.integrityProblems()
            if problems.isEmpty {
                decisions = try central.checkDecidedDocuments()
                // Every record held, against the seal its writer made, with the registered keys.
                decisions.altered += try central.store.verifyHeldRuns(publicKey: { (try? central.recordKey(of: $0)) ?? nil })
                    .map { "records held: \($0)" }
            }
        } catch let error as CentralError {
            throw error   // no central here: nothing to check
        } catch {
            problems = ["\(error)"]
        }
        let (checked, damaged) = EvidenceStore(root: directory.appendingPathComponent("blobs")).setAsideEveryDamagedBlob()
        var report = CentralCheckReport(databaseProblems: problems, evidenceChecked: checked, quarantined: damaged)
        report.decisionsChecked = decisions.checked
        report.alteredDecisions = decisions.altered
        return report
    }

    /// Hashes every decided audit's document again: a decision froze it, so it must still be the
    /// document the decision names (SPEC §2.1). A difference means the record was altered behind
    /// the rules' back — in the database, or by a restore that lost the freeze.
    func checkDecidedDocuments() throws -> (checked: Int, altered: [String]) {
        let query = try database.prepare("SELECT audit, document_sha256, decided_at FROM decisions WHERE document_sha256 IS NOT NULL ORDER BY id")
        var decided: [(audit: String, digest: String, at: String)] = []
        try query.forEachRow { row in decided.append((row.text(0), row.text(1), row.text(2))) }
        var altered: [String] = []
        for (audit, digest, at) in decided {
            let now = try documentDigest(audit: audit)
            if now != digest {
                altered.append("audit \(audit) was decided at \(at) on a document with SHA-256 \(digest); it now hashes to \(now): "
                    + "its record changed after the decision")
            }
        }
        return (decided.count, altered)
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
