import Foundation
import XCTest

/// `auditsync demo` end to end. Each run gets its own TMPDIR, so what the demo leaves behind
/// (or not) can be checked exactly.
final class DemoCommandTests: XCTestCase {
    private func demo(_ arguments: [String], tmp: ScratchDirectory) throws -> CLIResult {
        try CLI.run(["demo"] + arguments, environment: ["TMPDIR": tmp.path], timeout: 60)
    }

    func testDemoConvergesAndLeavesNothingBehind() throws {
        let tmp = try ScratchDirectory(prefix: "auditsync-demo-tmp")
        let result = try demo([], tmp: tmp)
        assertSuccess(result)
        let lines = result.stdout.components(separatedBy: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("AuditSync demo — working in \(tmp.path)/auditsync-demo-") == true, "\(result)")
        XCTAssertTrue(lines.contains("all three documents are byte-identical"), "\(result)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("open conflicts: 0;") }, "\(result)")
        XCTAssertFalse(result.stdout.contains("DIFFER"), "\(result)")
        XCTAssertFalse(result.stdout.contains("kept "), "\(result)")
        XCTAssertEqual(try tmp.entries(), [], "the demo removed its directory")
    }

    func testDemoJSONPrintsOneSummaryAndNarratesOnStandardError() throws {
        let tmp = try ScratchDirectory(prefix: "auditsync-demo-tmp")
        let result = try demo(["--json"], tmp: tmp)
        XCTAssertEqual(result.status, 0, "\(result)")
        let summary = try jsonObject(result)
        XCTAssertNil(JSONKeyOrder.firstViolation(in: result.stdout), "keys in sorted order")
        XCTAssertEqual(summary["converged"] as? Bool, true)
        XCTAssertEqual(summary["conflicts_after_resolution"] as? Int, 0)
        let before = summary["conflicts_before_resolution"] as? Int ?? 0
        XCTAssertGreaterThan(before, 0, "the demo's concurrent edits conflicted")
        XCTAssertTrue((summary["audit"] as? String ?? "").matches("A-[0-9]{4}-0001"), "\(summary)")
        XCTAssertTrue((summary["document_sha256"] as? String ?? "").matches("[0-9a-f]{64}"), "\(summary)")
        let firstMerge = summary["first_merge_sha256"] as? [String: String] ?? [:]
        XCTAssertEqual(Set(firstMerge.keys), ["central", "alice", "bob"])
        XCTAssertEqual(Set(firstMerge.values).count, 1, "all three agreed after the first merge too")
        XCTAssertGreaterThan(summary["records"] as? Int ?? 0, 0)

        // The story went to stderr, none of it to stdout.
        XCTAssertTrue(result.stderr.hasPrefix("AuditSync demo — working in "), "\(result)")
        XCTAssertTrue(result.stderr.contains("all three documents are byte-identical"), "\(result)")
        XCTAssertTrue(result.stderr.contains("open conflicts: 0;"), "\(result)")
        XCTAssertFalse(result.stdout.contains("=="), "\(result)")
        XCTAssertEqual(try tmp.entries(), [], "the demo removed its directory")
    }

    func testKeptDemoCanBeReadByAuditShowWithTheSameDigest() throws {
        let tmp = try ScratchDirectory(prefix: "auditsync-demo-tmp")
        let result = try demo(["--json", "--keep"], tmp: tmp)
        XCTAssertEqual(result.status, 0, "\(result)")
        let summary = try jsonObject(result)
        let audit = summary["audit"] as? String ?? ""
        let digest = summary["document_sha256"] as? String ?? ""

        let entries = try tmp.entries()
        XCTAssertEqual(entries.count, 1, "one kept directory: \(entries)")
        let kept = try XCTUnwrap(entries.first.map { tmp.appending($0) })
        XCTAssertTrue(kept.lastPathComponent.hasPrefix("auditsync-demo-"))
        XCTAssertTrue(result.stderrLines.contains("kept \(kept.path)"), "\(result)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: kept.appendingPathComponent("central/central.sqlite").path))

        let shown = try CLI.run(["central", "audit", "show", "--audit", audit, "--data", kept.appendingPathComponent("central").path, "--json"])
        assertSuccess(shown)
        XCTAssertTrue(shown.stdout.hasSuffix("}\n"))
        // The digest the decision names: of exactly what `audit show --json` prints.
        XCTAssertEqual(SHA256Digest.hex(shown.stdout), digest, "audit show prints the document the decision rests on")
        let decision = try jsonObject(try CLI.run(["central", "decision", "show", "--audit", audit, "--json", "--data",
                                                   kept.appendingPathComponent("central").path]))
        XCTAssertEqual((decision["decisions"] as? [[String: Any]])?.first?["document_sha256"] as? String, digest)
        XCTAssertEqual(summary["certificate_revision"] as? Int, 2)
        XCTAssertTrue((summary["revision_1_status"] as? String ?? "").hasPrefix("superseded"), "\(summary)")
        let parsed = try jsonObject(shown)
        XCTAssertEqual(parsed["audit"] as? String, audit)
        XCTAssertEqual((parsed["conflicts"] as? [Any])?.count, 0)
        XCTAssertEqual((parsed["findings"] as? [[String: Any]])?.first?["status"] as? String, "accepted")
        XCTAssertEqual((parsed["recommendation"] as? [String: Any])?["decision"] as? String, "grant")
        // `tmp` removes the kept directory when the test ends.
    }

    func testSHA256MatchesTheStandardVectors() {
        XCTAssertEqual(SHA256Digest.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256Digest.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256Digest.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
