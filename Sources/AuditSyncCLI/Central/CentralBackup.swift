import ArgumentParser
import CanonicalJSON
import CentralNode
import Foundation

struct CentralBackup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write the whole central into one file, while it keeps serving.",
        discussion: """
            The file is a tar archive: a consistent snapshot of central.sqlite, the central's \
            static key and every evidence file. It never overwrites a file, and a backup that \
            exists is complete. It holds the central's identity: keep it encrypted, readable by \
            operators only. Restore it with `auditsync central restore --from FILE`, which \
            checks it and reconciles laptops that synced after it was taken (never restore it \
            by hand with tar: laptops would take the restored log for the old one).

            Example:
              auditsync central backup --out /backups/central-$(date +%F).tar
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The backup file to create.", valueName: "file"))
    var out: String

    func run() throws {
        let destination = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        let summary = try global.openCentral().backup(to: destination)
        global.emit(["out": .string(summary.path), "bytes": .int(Int(summary.bytes)), "records": .int(summary.records),
                     "blobs": .int(summary.blobs)],
                    text: "backed up \(summary.records) records and \(summary.blobs) evidence files to \(summary.path) "
                        + "(\(summary.bytes) bytes)")
    }
}
