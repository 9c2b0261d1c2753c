import ArgumentParser
import CanonicalJSON
import CentralNode
import Foundation
import HexEncoding

struct CentralRestore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into --data; laptops that synced since reconcile with it, losing nothing.",
        discussion: """
            Unpacks a file written by `central backup` beside --data, checks every part of it \
            (the database's integrity, the channel key, the certificate signing key, every \
            evidence file against its name), gives the restored log a new identity, and only \
            then moves it into place: a restore that fails changes nothing. --data must be empty \
            or absent; with --replace, its contents are set aside beside it (never deleted). \
            Stop `central serve` first. When laptops next sync, each sends again what it holds \
            that the restored central lacks — its own records and the team's it received after \
            the backup — and receives what it lacks. Work done at the central itself after the \
            backup (new audits, enrollments, decisions) is not in it: do it again.

            Example:
              auditsync central restore --from /backups/central-2026-11-29.tar --data /var/lib/auditsync
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The backup file (from `central backup`).", valueName: "file"))
    var from: String

    @Flag(help: "Set the contents of a non-empty --data aside (beside it) and restore in their place.")
    var replace = false

    func run() throws {
        let backup = URL(fileURLWithPath: (from as NSString).expandingTildeInPath)
        let summary = try Central.restore(from: backup, into: global.dataDirectory, replace: replace)
        var document: [String: JSONValue] = [
            "data": .string(summary.directory), "records": .int(summary.records), "blobs": .int(summary.blobs),
            "log": .string(Hex.encode(summary.log)), "backup_end": .int(Int(summary.backupEnd)),
        ]
        if let aside = summary.setAside { document["set_aside"] = .string(aside) }
        global.emit(.object(document),
                    text: "restored \(summary.records) records and \(summary.blobs) evidence files into \(summary.directory)"
                        + (summary.setAside.map { "; the previous contents are in \($0)" } ?? "")
                        + "; laptops reconcile at their next sync (the log continues the backup's from position \(summary.backupEnd))")
    }
}
