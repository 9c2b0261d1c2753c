import XCTest
@testable import AuditDomain

final class CatalogTests: XCTestCase {
    // MARK: - The set of standards

    func testCatalogListsTheNineStandardsOfTheSpecWithTheirCertifiableFlags() {
        let expected: [(id: String, certifiable: Bool)] = [
            ("iso42001:2023", true),
            ("iso27001:2022", true),
            ("iso27701:2019", true),
            ("iso9001:2015", true),
            ("iso22301:2019", true),
            ("iso23894:2023", false),
            ("iso31000:2018", false),
            ("iso22989:2022", false),
            ("iso23053:2022", false),
        ]
        XCTAssertEqual(Catalog.standards.map(\.id.rawValue), expected.map(\.id))
        for (id, certifiable) in expected {
            guard let standard = Catalog.standard(StandardID(id)) else {
                XCTFail("\(id) missing from the catalog")
                continue
            }
            XCTAssertEqual(standard.certifiable, certifiable, "certifiable flag of \(id)")
        }
    }

    func testStandardIDsAreUnique() {
        let ids = Catalog.standards.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
    }

    func testDesignationsNameTheStandardAndEdition() {
        let expected: [String: String] = [
            "iso42001:2023": "ISO/IEC 42001:2023",
            "iso27001:2022": "ISO/IEC 27001:2022",
            "iso27701:2019": "ISO/IEC 27701:2019",
            "iso9001:2015": "ISO 9001:2015",
            "iso22301:2019": "ISO 22301:2019",
            "iso23894:2023": "ISO/IEC 23894:2023",
            "iso31000:2018": "ISO 31000:2018",
            "iso22989:2022": "ISO/IEC 22989:2022",
            "iso23053:2022": "ISO/IEC 23053:2022",
        ]
        for standard in Catalog.standards {
            XCTAssertEqual(standard.designation, expected[standard.id.rawValue], "\(standard.id)")
            XCTAssertFalse(standard.title.isEmpty, "\(standard.id) has no title")
        }
    }

    func testUnknownStandardIsNotFound() {
        XCTAssertNil(Catalog.standard(StandardID("iso14001:2015")))
    }

    // MARK: - ISO/IEC 42001

    static let iso42001Controls: [String] = [
        "A.2.2", "A.2.3", "A.2.4",
        "A.3.2", "A.3.3",
        "A.4.2", "A.4.3", "A.4.4", "A.4.5", "A.4.6",
        "A.5.2", "A.5.3", "A.5.4", "A.5.5",
        "A.6.1.2", "A.6.1.3",
        "A.6.2.2", "A.6.2.3", "A.6.2.4", "A.6.2.5", "A.6.2.6", "A.6.2.7", "A.6.2.8",
        "A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6",
        "A.8.2", "A.8.3", "A.8.4", "A.8.5",
        "A.9.2", "A.9.3", "A.9.4",
        "A.10.2", "A.10.3", "A.10.4",
    ]

    func testISO42001HasExactlyThe38AnnexAControls() {
        let controls = leafControls(of: Catalog.iso42001)
        XCTAssertEqual(Self.iso42001Controls.count, 38)
        XCTAssertEqual(controls.count, 38)
        XCTAssertEqual(controls, Self.iso42001Controls, "controls, in document order")
    }

    func testISO42001AnnexAGroupHeadingsAreNotAuditable() {
        let standard = Catalog.iso42001
        let headings = standard.items.filter { $0.kind == .control }.map(\.number)
            .filter { !Self.iso42001Controls.contains($0) }
        XCTAssertEqual(
            headings,
            ["A.2", "A.3", "A.4", "A.5", "A.6", "A.6.1", "A.6.2", "A.7", "A.8", "A.9", "A.10"]
        )
        let auditable = Set(standard.auditableItems.map(\.number))
        XCTAssertTrue(auditable.isDisjoint(with: headings))
    }

    func testISO42001HasClauses4To10WithTheirSubclauses() {
        let expected = [
            "4", "4.1", "4.2", "4.3", "4.4",
            "5", "5.1", "5.2", "5.3",
            "6", "6.1", "6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.2", "6.3",
            "7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.5.1", "7.5.2", "7.5.3",
            "8", "8.1", "8.2", "8.3", "8.4",
            "9", "9.1", "9.2", "9.2.1", "9.2.2", "9.3", "9.3.1", "9.3.2", "9.3.3",
            "10", "10.1", "10.2",
        ]
        XCTAssertEqual(clauses(of: Catalog.iso42001), expected)
    }

    func testISO42001AuditableItemsAreLeavesOnly() {
        let auditable = Set(Catalog.iso42001.auditableItems.map(\.number))
        XCTAssertTrue(auditable.contains("6.1.2"))
        XCTAssertTrue(auditable.contains("6.2"))
        XCTAssertTrue(auditable.contains("A.6.2.4"))
        XCTAssertFalse(auditable.contains("6.1"))
        XCTAssertFalse(auditable.contains("6"))
        XCTAssertFalse(auditable.contains("A.6"))
        XCTAssertFalse(auditable.contains("A.6.2"))
        // 32 leaf clauses and 38 controls.
        XCTAssertEqual(auditable.count, 70)
    }

    func testISO42001LooksUpItemsByNumber() {
        XCTAssertEqual(Catalog.iso42001.item("A.6.2.4")?.kind, .control)
        XCTAssertEqual(Catalog.iso42001.item("6.1.2")?.kind, .clause)
        XCTAssertNil(Catalog.iso42001.item("A.1"))
        XCTAssertNil(Catalog.iso42001.item("11"))
    }

    // MARK: - ISO/IEC 27001

    func testISO27001HasExactlyThe93AnnexAControls() {
        let expected =
            (1...37).map { "A.5.\($0)" } + (1...8).map { "A.6.\($0)" }
            + (1...14).map { "A.7.\($0)" } + (1...34).map { "A.8.\($0)" }
        XCTAssertEqual(expected.count, 93)
        let controls = leafControls(of: Catalog.iso27001)
        XCTAssertEqual(controls.count, 93)
        XCTAssertEqual(controls, expected, "controls, in document order")
    }

    func testISO27001AnnexAThemesAreHeadings() {
        let standard = Catalog.iso27001
        let auditable = Set(standard.auditableItems.map(\.number))
        for theme in ["A.5", "A.6", "A.7", "A.8"] {
            XCTAssertNotNil(standard.item(theme), "\(theme) missing")
            XCTAssertFalse(auditable.contains(theme), "\(theme) is a heading")
        }
        // 30 leaf clauses and 93 controls.
        XCTAssertEqual(auditable.count, 123)
    }

    func testISO27001HasClauses4To10WithTheirSubclauses() {
        let expected = [
            "4", "4.1", "4.2", "4.3", "4.4",
            "5", "5.1", "5.2", "5.3",
            "6", "6.1", "6.1.1", "6.1.2", "6.1.3", "6.2", "6.3",
            "7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.5.1", "7.5.2", "7.5.3",
            "8", "8.1", "8.2", "8.3",
            "9", "9.1", "9.2", "9.2.1", "9.2.2", "9.3", "9.3.1", "9.3.2", "9.3.3",
            "10", "10.1", "10.2",
        ]
        XCTAssertEqual(clauses(of: Catalog.iso27001), expected)
    }

    func testISO27001ControlAndClauseWithTheSameDigitsDoNotCollide() {
        let standard = Catalog.iso27001
        XCTAssertEqual(standard.item("5.1")?.kind, .clause)
        XCTAssertEqual(standard.item("A.5.1")?.kind, .control)
        XCTAssertNotEqual(standard.item("5.1"), standard.item("A.5.1"))
    }

    // MARK: - Other standards

    func testManagementSystemStandardsHaveClauses4To10() {
        for standard in [Catalog.iso9001, Catalog.iso22301] {
            let topLevel = clauses(of: standard).filter { !$0.contains(".") }
            XCTAssertEqual(topLevel, ["4", "5", "6", "7", "8", "9", "10"], "\(standard.id)")
        }
    }

    func testISO27701HasClauses5To8() {
        let topLevel = clauses(of: Catalog.iso27701).filter { !$0.contains(".") }
        XCTAssertEqual(topLevel, ["5", "6", "7", "8"])
    }

    func testRiskGuidanceStandardsHaveClauses4To6() {
        for standard in [Catalog.iso23894, Catalog.iso31000] {
            let topLevel = clauses(of: standard).filter { !$0.contains(".") }
            XCTAssertEqual(topLevel, ["4", "5", "6"], "\(standard.id)")
        }
    }

    func testISO22989HasMainClauses5To10() {
        let topLevel = clauses(of: Catalog.iso22989).filter { !$0.contains(".") }
        XCTAssertEqual(topLevel, ["5", "6", "7", "8", "9", "10"])
    }

    func testOnlyISO42001AndISO27001HaveAnnexAControls() {
        for standard in Catalog.standards where standard.id != Catalog.iso42001.id && standard.id != Catalog.iso27001.id {
            XCTAssertTrue(standard.items.allSatisfy { $0.kind == .clause }, "\(standard.id)")
        }
    }

    // MARK: - Properties of every standard

    func testEveryStandardHasItems() {
        for standard in Catalog.standards {
            XCTAssertFalse(standard.items.isEmpty, "\(standard.id)")
            XCTAssertFalse(standard.auditableItems.isEmpty, "\(standard.id)")
        }
    }

    func testItemNumbersAreUniqueWithinEachStandard() {
        for standard in Catalog.standards {
            var seen = Set<String>()
            for item in standard.items {
                XCTAssertTrue(seen.insert(item.number).inserted, "\(standard.id): \(item.number) repeated")
            }
        }
    }

    func testEveryItemNumberIsWellFormed() {
        for standard in Catalog.standards {
            for item in standard.items {
                XCTAssertNotNil(numericPath(item), "\(standard.id): malformed number \(item.number)")
            }
        }
    }

    func testEveryAuditableItemHasANonEmptyTitle() {
        for standard in Catalog.standards {
            for item in standard.auditableItems {
                XCTAssertFalse(
                    item.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                    "\(standard.id): \(item.number) has no title"
                )
            }
            for item in standard.items {
                XCTAssertFalse(item.title.isEmpty, "\(standard.id): heading \(item.number) has no title")
            }
        }
    }

    func testEveryControlNumberStartsWithAnnexPrefix() {
        for standard in Catalog.standards {
            for item in standard.items where item.kind == .control {
                XCTAssertTrue(item.number.hasPrefix("A."), "\(standard.id): \(item.number)")
                XCTAssertTrue(item.number.dropFirst(2).first?.isNumber ?? false, "\(standard.id): \(item.number)")
            }
            for item in standard.items where item.kind == .clause {
                XCTAssertTrue(item.number.first?.isNumber ?? false, "\(standard.id): \(item.number)")
            }
        }
        for number in Self.iso42001Controls {
            XCTAssertEqual(Catalog.iso42001.item(number)?.kind, .control, number)
        }
    }

    func testClausesComeBeforeAnnexAControls() {
        for standard in Catalog.standards {
            let kinds = standard.items.map(\.kind)
            if let firstControl = kinds.firstIndex(of: .control) {
                XCTAssertTrue(kinds[firstControl...].allSatisfy { $0 == .control }, "\(standard.id)")
            }
        }
    }

    func testEveryParentAppearsEarlierInDocumentOrder() {
        for standard in Catalog.standards {
            var seen = Set<String>()
            for item in standard.items {
                if let parent = parentNumber(of: item) {
                    XCTAssertTrue(seen.contains(parent), "\(standard.id): \(item.number) precedes its parent \(parent)")
                }
                seen.insert(item.number)
            }
        }
    }

    func testItemsAreInAscendingNumericOrder() {
        for standard in Catalog.standards {
            for kind in [CatalogItem.Kind.clause, .control] {
                let paths = standard.items.filter { $0.kind == kind }.compactMap(numericPath)
                for (previous, next) in zip(paths, paths.dropFirst()) {
                    XCTAssertTrue(previous.lexicographicallyPrecedes(next), "\(standard.id): \(previous) before \(next)")
                }
            }
        }
    }

    func testEveryHeadingIsImmediatelyFollowedByItsFirstChild() {
        // `auditableItems` treats an item as a heading iff the next item is its child, so a heading
        // whose children come later (or not at all) would be auditable by mistake.
        for standard in Catalog.standards {
            for (index, item) in standard.items.enumerated() {
                let hasChild = standard.items.contains { item.isParent(of: $0) }
                guard hasChild else { continue }
                XCTAssertTrue(
                    index + 1 < standard.items.count && item.isParent(of: standard.items[index + 1]),
                    "\(standard.id): \(item.number) is not immediately followed by a child"
                )
            }
        }
    }

    func testAuditableItemsAreExactlyTheItemsWithoutChildren() {
        for standard in Catalog.standards {
            let leaves = standard.items.filter { item in !standard.items.contains { item.isParent(of: $0) } }
            XCTAssertEqual(standard.auditableItems.map(\.number), leaves.map(\.number), "\(standard.id)")
        }
    }

    // MARK: - Helpers

    /// Auditable Annex A controls, in document order.
    private func leafControls(of standard: Standard) -> [String] {
        standard.auditableItems.filter { $0.kind == .control }.map(\.number)
    }

    /// Every clause number (headings included), in document order.
    private func clauses(of standard: Standard) -> [String] {
        standard.items.filter { $0.kind == .clause }.map(\.number)
    }

    /// `A.6.2.4` → `A.6.2`, `6.1` → `6`, `6` → nil, `A.6` → nil.
    private func parentNumber(of item: CatalogItem) -> String? {
        guard item.path.count > 1 else { return nil }
        let parent = item.path.dropLast().joined(separator: ".")
        return item.kind == .control ? "A." + parent : parent
    }

    /// The number as integers (`A.6.2.4` → [6, 2, 4]); nil when a part is not a positive integer.
    private func numericPath(_ item: CatalogItem) -> [Int]? {
        let parts = item.path.map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return parts.compactMap { $0 }
    }
}
