import Foundation
import XCTest
import TestSupport

/// The fixtures of the `central` command tests: running `auditsync central` on a data directory, a
/// programme with auditors and a client, and creating an audit in it.
extension CentralCommandTests {
    /// `auditsync central ARGS --data DATA`.
    func central(_ arguments: [String], data: URL) throws -> CLIResult {
        try CLI.run(["central"] + arguments + ["--data", data.path])
    }

    /// A central node with auditors alice (auditor, lead; qualified for ISO/IEC 42001 and 27001),
    /// bob (auditor; ISO/IEC 42001), carol (reviewer) and client C-0001 (Acme AI Ltd, two sites).
    func makeProgramme(file: StaticString = #filePath, line: UInt = #line) throws -> (ScratchDirectory, URL) {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        let steps: [[String]] = [
            ["init", "--name", "Example Certification Body"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "auditor", "--role", "lead",
             "--qualified", "iso42001:2023", "--qualified", "iso27001:2022"],
            ["auditor", "add", "--id", "bob", "--name", "Bob Osei", "--qualified", "iso42001:2023"],
            ["auditor", "add", "--id", "carol", "--name", "Carol Ng", "--role", "reviewer"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "1 Main Street, Dublin", "--site", "Data centre, Cork"],
        ]
        for step in steps {
            let result = try central(step, data: data)
            XCTAssertEqual(result.status, 0, "fixture step failed\n\(result)", file: file, line: line)
        }
        return (scratch, data)
    }

    func createAudit(_ data: URL, standards: [String] = ["iso42001:2023"], kind: String = "stage2",
                     lead: String = "alice", auditors: [String] = ["bob"], client: String = "C-0001",
                     json: Bool = true) throws -> CLIResult {
        var arguments = ["audit", "create", "--client", client]
        for standard in standards { arguments += ["--standard", standard] }
        arguments += ["--kind", kind, "--scope", "Design and operation of AI hiring assistants", "--lead", lead]
        for auditor in auditors { arguments += ["--auditor", auditor] }
        if json { arguments.append("--json") }
        return try central(arguments, data: data)
    }

    var year: String { String(currentUTCYear()) }

    func permissions(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}
