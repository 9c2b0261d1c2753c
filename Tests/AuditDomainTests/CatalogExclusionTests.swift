import XCTest
@testable import AuditDomain

/// Which items a client may exclude (SPEC §2.1): Annex controls, the ISO 9001 requirements its
/// clause 4.3 lets a client determine not applicable, never a mandatory clause.
final class CatalogExclusionTests: XCTestCase {
    func testAnnexControlsOf42001And27001MayBeExcludedAndTheirClausesNever() {
        for standard in [Catalog.iso42001, Catalog.iso27001] {
            for item in standard.items {
                XCTAssertEqual(item.excludable, item.kind == .control, "\(standard.id)/\(item.number)")
            }
            XCTAssertFalse(standard.items.filter { $0.kind == .clause }.isEmpty)
        }
    }

    func testNoClauseOfISO22301MayBeExcluded() {
        XCTAssertTrue(Catalog.iso22301.items.allSatisfy { !$0.excludable })
    }

    func testISO9001LetsAClientExcludeDesignAndDevelopmentOnly() {
        XCTAssertEqual(Catalog.iso9001.items.filter(\.excludable).map(\.number), ["8.3"])
    }

    func testISO27701ControlGuidanceMayBeExcludedButNotItsManagementSystemRequirements() {
        for item in Catalog.iso27701.items {
            XCTAssertEqual(item.excludable, !item.number.hasPrefix("5"), item.number)
        }
    }

    func testGuidanceStandardsRequireNothing() {
        for standard in Catalog.standards where !standard.certifiable {
            XCTAssertTrue(standard.items.allSatisfy(\.excludable), "\(standard.id)")
        }
    }

    func testAChecklistItemKnowsWhetherItMayBeExcluded() throws {
        XCTAssertTrue(try ChecklistItemID(parsing: "iso27001:2022/A.5.1").isExcludable)
        XCTAssertFalse(try ChecklistItemID(parsing: "iso27001:2022/5.1").isExcludable)
        XCTAssertTrue(try ChecklistItemID(parsing: "iso9001:2015/8.3").isExcludable)
        XCTAssertFalse(try ChecklistItemID(parsing: "iso9001:2015/8.4").isExcludable)
        XCTAssertFalse(ChecklistItemID(standard: StandardID("iso14001:2015"), number: "8.3").isExcludable, "unknown: not excludable")
    }

    func testAnItemsRuleCoversItsSubItems() {
        let rule = Exclusions.items(["8.3"])
        XCTAssertTrue(rule.permits(CatalogItem("8.3", "")))
        XCTAssertTrue(rule.permits(CatalogItem("8.3.2", "")))
        XCTAssertFalse(rule.permits(CatalogItem("8.30", "")))
        XCTAssertFalse(rule.permits(CatalogItem("A.8.3", "")), "a control is not the clause of the same number")
    }
}
