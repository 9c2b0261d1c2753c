import ArgumentParser
import CanonicalJSON
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole flow on this machine, explained as it goes.",
        discussion: """
            In a temporary directory: a central node plans an ISO/IEC 42001 audit and serves it \
            (the real `central serve`, on a free loopback port); two auditors enroll laptops with \
            one-time tokens and sync over the encrypted channel; offline, they edit the same \
            checklist item at the same time; their changes merge without losing either write; the \
            conflict is listed and resolved; every copy ends byte-identical; a reviewer who was \
            not on the team grants certification, and the signed certificate is verified, then \
            suspended. Nothing outside the temporary directory is touched.

            Example:
              auditsync demo            # narrated
              auditsync demo --json     # narration on stderr, a summary document on stdout
              auditsync demo --keep     # keep the directory to inspect it afterwards
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Keep the demo's directory instead of deleting it.")
    var keep = false

    func run() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("auditsync-demo-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
        // With --json the story goes to stderr so stdout holds exactly one JSON document.
        let toStandardError = global.json
        let script = DemoScript(directory: directory) { line in
            if toStandardError { Output.error(line) } else { Output.standard(line) }
        }
        let summary = try script.run()
        if keep { script.say("\nkept \(directory.path)") }
        if global.json { Output.standard(summary.encoded(pretty: true)) }
    }
}
