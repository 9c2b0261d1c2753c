import Foundation
import XCTest
import TestSupport

/// `central audit create` builds the checklist of each standard and refuses what it cannot build
/// without using up an audit number; `central audit show` prints the canonical document or a
/// summary.
extension CentralCommandTests {
    static let knownStandards = [
        "iso42001:2023", "iso27001:2022", "iso27701:2019", "iso9001:2015", "iso22301:2019",
        "iso23894:2023", "iso31000:2018", "iso22989:2022", "iso23053:2022",
    ]

    // MARK: central audit create

    func testAuditCreateBuildsTheChecklistOfEachStandard() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let cases: [([String], Int)] = [
            (["iso42001:2023"], 70),
            (["iso27001:2022"], 123),
            (["iso42001:2023", "iso27001:2022"], 193),
            (["iso42001:2023", "iso42001:2023"], 70),
        ]
        for (number, (standards, items)) in cases.enumerated() {
            let result = try createAudit(data, standards: standards)
            assertSuccess(result)
            let document = try jsonObject(result)
            let expectedID = "A-\(year)-" + String(format: "%04d", number + 1)
            XCTAssertEqual(Set(document.keys), ["id", "checklist_items"])
            XCTAssertEqual(document["id"] as? String, expectedID, "\(standards)")
            XCTAssertTrue((document["id"] as? String ?? "").matches("A-[0-9]{4}-[0-9]{4}"))
            XCTAssertEqual(document["checklist_items"] as? Int, items, "\(standards)")
        }

        let human = try createAudit(data, kind: "surveillance", json: false)
        assertSuccess(human)
        XCTAssertEqual(human.stdout, "created audit A-\(year)-0005 (surveillance, 70 checklist items)\n")
    }

    func testAuditCreateRefusesAnUnknownStandardAndNamesTheKnownOnes() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let line = assertFailure(try createAudit(data, standards: ["iso42001:2023", "iso99999:2024"]), status: 1)
        XCTAssertTrue(line.contains("iso99999:2024"), line)
        for standard in Self.knownStandards {
            XCTAssertTrue(line.contains(standard), "\(standard) named in: \(line)")
        }
    }

    func testAuditCreateRefusesReferenceStandardsAlone() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let line = assertFailure(try createAudit(data, standards: ["iso23894:2023"]), status: 1)
        XCTAssertEqual(line, "error: an audit needs at least one certifiable standard "
                       + "(iso42001:2023, iso27001:2022, iso27701:2019, iso9001:2015, iso22301:2019)")
        // Beside a certifiable standard, a reference standard is welcome.
        assertSuccess(try createAudit(data, standards: ["iso42001:2023", "iso23894:2023"]))
    }

    func testAuditCreateRefusesALeadWithoutTheLeadRole() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let line = assertFailure(try createAudit(data, lead: "bob", auditors: ["alice"]), status: 1)
        XCTAssertEqual(line, "error: auditor bob does not have the lead role")
    }

    func testAuditCreateRefusesAnUnknownClientOrAuditor() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        XCTAssertEqual(assertFailure(try createAudit(data, client: "C-0042"), status: 1),
                       "error: no client C-0042; add one with `auditsync central client add --name NAME --site TEXT`")
        XCTAssertEqual(assertFailure(try createAudit(data, auditors: ["zed"]), status: 1),
                       "error: no auditor zed; add one with `auditsync central auditor add --id zed --name NAME`")
        XCTAssertEqual(assertFailure(try createAudit(data, lead: "yves", auditors: []), status: 1),
                       "error: no auditor yves; add one with `auditsync central auditor add --id yves --name NAME`")
    }

    func testAuditCreateWithABadKindIsBadUsage() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        XCTAssertEqual(assertFailure(try createAudit(data, kind: "stage3"), status: 2),
                       "error: 'stage3' is not a valid audit kind; use one of: stage1, stage2, surveillance, "
                       + "recertification, special (see `auditsync central audit create --help`)")
    }

    func testRefusedAuditsUseNoAuditNumber() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        assertFailure(try createAudit(data, standards: ["iso23894:2023"]), status: 1)
        assertFailure(try createAudit(data, lead: "bob"), status: 1)
        assertFailure(try createAudit(data, client: "C-0042"), status: 1)
        assertFailure(try createAudit(data, kind: "stage3"), status: 2)
        let created = try createAudit(data)
        assertSuccess(created)
        XCTAssertEqual(try jsonObject(created)["id"] as? String, "A-\(year)-0001")
    }

    // MARK: central audit show

    func testAuditShowJSONIsTheCanonicalDocument() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let audit = try jsonObject(try createAudit(data))["id"] as? String ?? ""

        let first = try central(["audit", "show", "--audit", audit, "--json"], data: data)
        assertSuccess(first)
        let document = try jsonObject(first)
        XCTAssertNil(JSONKeyOrder.firstViolation(in: first.stdout), "keys in sorted order")

        XCTAssertEqual(Set(document.keys), ["audit", "certificate", "checklist", "client", "conflicts", "earlier", "evidence",
                                            "findings", "frozen", "kind", "notes", "planned", "recommendation", "removed", "scope",
                                            "standards", "summary", "team"])
        XCTAssertEqual(document["audit"] as? String, audit)
        XCTAssertEqual(document["kind"] as? String, "stage2")
        XCTAssertEqual(document["scope"] as? String, "Design and operation of AI hiring assistants")
        XCTAssertEqual(document["standards"] as? [String], ["iso42001:2023"])
        let client = document["client"] as? [String: Any]
        XCTAssertEqual(client?["id"] as? String, "C-0001")
        XCTAssertEqual(client?["name"] as? String, "Acme AI Ltd")
        XCTAssertEqual(client?["sites"] as? [String], ["1 Main Street, Dublin", "Data centre, Cork"])
        let team = document["team"] as? [String: Any]
        XCTAssertEqual(team?["lead"] as? String, "alice")
        XCTAssertEqual(team?["auditors"] as? [String], ["bob"])
        XCTAssertEqual((document["conflicts"] as? [Any])?.count, 0)
        XCTAssertEqual((document["findings"] as? [Any])?.count, 0)

        let checklist = document["checklist"] as? [[String: Any]] ?? []
        XCTAssertEqual(checklist.count, 70)
        XCTAssertEqual(checklist.filter { $0["result"] as? String == "not-audited" }.count, 70, "every item not-audited")
        XCTAssertEqual(checklist.first?["item"] as? String, "iso42001:2023/4.1")
        XCTAssertEqual(checklist.last?["item"] as? String, "iso42001:2023/A.10.4")
        let items = checklist.compactMap { $0["item"] as? String }
        XCTAssertEqual(Set(items).count, 70, "no item twice")
        XCTAssertEqual(items.filter { $0.hasPrefix("iso42001:2023/A.") }.count, 38, "38 Annex A controls")
        let summary = document["summary"] as? [String: Any]
        XCTAssertEqual(summary?["items"] as? Int, 70)
        XCTAssertEqual((summary?["results"] as? [String: Any])?["not-audited"] as? Int, 70)

        let second = try central(["audit", "show", "--audit", audit, "--json"], data: data)
        assertSuccess(second)
        XCTAssertEqual(Array(second.stdout.utf8), Array(first.stdout.utf8), "the same bytes every time")
    }

    func testAuditShowJSONKeysAreSortedForBothStandards() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let audit = try jsonObject(try createAudit(data, standards: ["iso27001:2022", "iso42001:2023"]))["id"] as? String ?? ""
        let shown = try central(["audit", "show", "--audit", audit, "--json"], data: data)
        assertSuccess(shown)
        XCTAssertNil(JSONKeyOrder.firstViolation(in: shown.stdout), "keys in sorted order")
        let document = try jsonObject(shown)
        XCTAssertEqual(document["standards"] as? [String], ["iso27001:2022", "iso42001:2023"])
        let items = (document["checklist"] as? [[String: Any]] ?? []).compactMap { $0["item"] as? String }
        XCTAssertEqual(items.count, 193)
        XCTAssertEqual(items.filter { $0.hasPrefix("iso27001:2022/A.") }.count, 93, "93 Annex A controls, prefixed A.")
        XCTAssertEqual(Set(items).count, 193, "clause and control ids never collide")
    }

    func testKeyOrderCheckerCatchesUnsortedKeys() {
        XCTAssertNil(JSONKeyOrder.firstViolation(in: #"{"a": 1, "b": {"c": [{"d": 1, "e": 2}]}}"#))
        XCTAssertEqual(JSONKeyOrder.firstViolation(in: #"{"a": 1, "b": {"c": [{"e": 1, "d": 2}]}}"#), "\"e\" ≥ \"d\"")
        XCTAssertEqual(JSONKeyOrder.firstViolation(in: #"{"b": 1, "a": 2}"#), "\"b\" ≥ \"a\"")
    }

    func testAuditShowPrintsAHumanSummary() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let audit = try jsonObject(try createAudit(data))["id"] as? String ?? ""
        let result = try central(["audit", "show", "--audit", audit], data: data)
        assertSuccess(result)
        XCTAssertTrue(result.stdout.contains(audit))
        XCTAssertTrue(result.stdout.contains("70 items"))
        XCTAssertEqual(result.stdout, """
            audit \(audit) — stage2 — Acme AI Ltd (C-0001)
            scope: Design and operation of AI hiring assistants
            standards: iso42001:2023
            team: lead alice, auditors bob
            checklist: 70 items — 0 conform, 0 nonconform, 0 not-applicable, 70 not-audited

            """)
    }

    func testAuditShowOfAnUnknownAuditIsRefused() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let line = assertFailure(try central(["audit", "show", "--audit", "A-1999-0001", "--json"], data: data), status: 1)
        XCTAssertTrue(line.hasPrefix("error: no audit A-1999-0001"), line)
    }
}
