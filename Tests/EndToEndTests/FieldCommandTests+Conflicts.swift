import Foundation
import XCTest

/// `field conflicts`: two laptops record the same item offline, sync, and both list the
/// concurrent writes — in the same shape as the audit document — until one writes it again.
extension FieldCommandTests {
    func testConflictsAreListedAfterTwoLaptopsEditTheSameItemAndClearedByWritingAgain() throws {
        let laptops = try team()
        let (alice, bob) = (laptops[0], laptops[1])
        let item = "iso42001:2023/4.1"

        XCTAssertEqual(try fieldText(["conflicts", "--audit", audit], on: alice), "no conflicts in audit \(audit)\n")
        XCTAssertEqual((try fieldJSON(["conflicts", "--audit", audit], on: alice)["conflicts"] as? [Any])?.count, 0)

        _ = try fieldText(["respond", "--audit", audit, "--item", item, "--result", "nonconform", "--note", "no process"], on: alice)
        _ = try fieldText(["respond", "--audit", audit, "--item", item, "--result", "conform"], on: bob)
        try sync(alice)
        try sync(bob)
        try sync(alice)

        for laptop in [alice, bob] {
            let answer = try fieldJSON(["conflicts", "--audit", audit], on: laptop)
            XCTAssertEqual(answer["audit"] as? String, audit)
            let conflicts = try XCTUnwrap(answer["conflicts"] as? [[String: Any]])
            let result = try XCTUnwrap(conflicts.first { $0["field"] as? String == "result" }, "\(conflicts)")
            XCTAssertEqual(result["entity"] as? String, "item")
            XCTAssertEqual(result["id"] as? String, item)
            let values = [(result["winner"] as? [String: Any])?["value"] as? String]
                + ((result["concurrent"] as? [[String: Any]]) ?? []).map { $0["value"] as? String }
            XCTAssertEqual(Set(values.compactMap { $0 }), ["conform", "nonconform"], "neither write is lost")
            // Exactly the `conflicts` of the canonical document.
            let document = try fieldJSON(["audit", "show", "--audit", audit], on: laptop)
            XCTAssertEqual(try canonical(answer["conflicts"]), try canonical(document["conflicts"]))

            let text = try fieldText(["conflicts", "--audit", audit], on: laptop)
            let lines = text.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.first, "\(conflicts.count) conflicts in audit \(audit):", text)
            XCTAssertTrue(lines.contains("  item \(item) result"), text)
            XCTAssertTrue(lines.contains { $0.matches(#"    kept  "(conform|nonconform)" from node [0-9a-f]{16} at \d{4}-.*Z"#) }, text)
            XCTAssertTrue(lines.contains { $0.matches(#"    also  "(conform|nonconform)" from node [0-9a-f]{16} at \d{4}-.*Z"#) }, text)
            XCTAssertEqual(lines.last, "resolve each by writing the field again (`field respond`, `field finding update`, "
                + "`field recommend`), then `field sync`")
        }

        // Alice, having seen both, records the item again: the conflict is resolved everywhere.
        _ = try fieldText(["respond", "--audit", audit, "--item", item, "--result", "nonconform", "--note", "agreed with bob"],
                          on: alice)
        XCTAssertEqual(try fieldText(["conflicts", "--audit", audit], on: alice), "no conflicts in audit \(audit)\n")
        try sync(alice)
        try sync(bob)
        XCTAssertEqual(try fieldText(["conflicts", "--audit", audit], on: bob), "no conflicts in audit \(audit)\n")
    }

    private func canonical(_ value: Any?) throws -> Data {
        try JSONSerialization.data(withJSONObject: try XCTUnwrap(value), options: [.sortedKeys])
    }
}
