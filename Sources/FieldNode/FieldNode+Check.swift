import Foundation
import ReplicaStore
import SQLiteKit

/// What `field check` found in a laptop's data directory.
public struct FieldCheckReport: Equatable, Sendable {
    /// What is wrong with `field.sqlite`: `PRAGMA integrity_check`'s findings, or why it could
    /// not be opened or checked at all. Empty when the database is sound.
    public let databaseProblems: [String]
    /// Evidence files re-hashed.
    public let evidenceChecked: Int
    /// Those that did not match their SHA-256, now set aside in `blobs/quarantine/`.
    public let quarantined: [DamagedEvidence]
    /// This laptop's records that are not what it sealed when it wrote them, in words.
    public var alteredRecords: [String] = []

    public var isHealthy: Bool { databaseProblems.isEmpty && quarantined.isEmpty && alteredRecords.isEmpty }
}

extension FieldNode {
    /// Checks a laptop's data directory: the database's integrity, and every evidence file
    /// against its SHA-256, setting damaged ones aside as a sync would. It reads every byte, so
    /// it is a command of its own rather than part of each sync. A database too damaged to open
    /// does not stop the evidence check: the files are then described by their SHA-256 alone.
    public static func check(at directory: URL) throws -> FieldCheckReport {
        var node: FieldNode?
        var problems: [String] = []
        do {
            node = try FieldNode(at: directory)
        } catch let error as FieldError {
            throw error   // no field node here: nothing to check
        } catch {
            problems = ["\(error)"]
        }
        var altered: [String] = []
        if let node {
            do { problems = try node.database.integrityProblems() } catch { problems = ["\(error)"] }
            // Every record this laptop wrote, against the seal it made when it wrote it.
            // and what it received, with the keys the central named at its last sync.
            if problems.isEmpty, let keys = try? node.knownRecordKeys() {
                altered = (try? node.store.verifyHeldRuns(publicKey: { keys[$0] }, reportUnknownKeys: false)) ?? []
            }
        }
        let evidence = EvidenceStore(root: directory.appendingPathComponent("blobs"))
        let (checked, damaged) = evidence.setAsideEveryDamagedBlob()
        // A damaged database may still answer; if it cannot, the files keep their names only.
        let references = damaged.isEmpty ? [:] : ((try? node?.evidenceReferences()) ?? [:])
        let auditor = (try? node?.enrollment)??.auditor
        var report = FieldCheckReport(
            databaseProblems: problems, evidenceChecked: checked,
            quarantined: damaged.map { describe($0, in: directory, references: references, auditor: auditor) })
        report.alteredRecords = altered
        return report
    }
}
