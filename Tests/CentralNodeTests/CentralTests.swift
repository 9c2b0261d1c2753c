import AuditDomain
import AuditReplica
import Foundation
import XCTest

@testable import CentralNode

/// A wall clock the test sets by hand.
final class ManualClock {
    var milliseconds: UInt64
    init(_ iso: String) { milliseconds = ManualClock.milliseconds(iso) }

    func set(_ iso: String) { milliseconds = ManualClock.milliseconds(iso) }

    /// `2025-12-31T23:59:59Z` → milliseconds since the epoch (UTC).
    static func milliseconds(_ iso: String) -> UInt64 {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        guard let date = formatter.date(from: iso) else { preconditionFailure("bad date \(iso)") }
        return UInt64(date.timeIntervalSince1970 * 1000)
    }
}

/// A temporary directory that removes itself.
final class CentralTestDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("auditsync-central-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}

final class CentralTests: XCTestCase {
    private var scratch: CentralTestDirectory!

    override func setUpWithError() throws {
        scratch = try CentralTestDirectory()
    }

    override func tearDown() {
        scratch = nil
    }

    private func makeCentral(_ name: String = "central", now: (() -> UInt64)? = nil) throws -> Central {
        let directory = scratch.url.appendingPathComponent(name)
        if let now {
            return try Central.initialize(at: directory, name: "Example Certification Body", now: now)
        }
        return try Central.initialize(at: directory, name: "Example Certification Body")
    }

    /// alice (auditor, lead), bob (auditor), carol (reviewer), dan (auditor, lead); client C-0001.
    /// alice and dan are qualified for ISO/IEC 42001 and 27001, bob for ISO/IEC 42001.
    private func addProgramme(to central: Central) throws {
        try central.addAuditor(id: "alice", name: "Alice Martin", roles: [.auditor, .lead])
        try central.addAuditor(id: "bob", name: "Bob Osei", roles: [])
        try central.addAuditor(id: "carol", name: "Carol Ng", roles: [.reviewer])
        try central.addAuditor(id: "dan", name: "Dan Byrne", roles: [.lead, .auditor, .lead])
        for (auditor, standards) in [("alice", ["iso42001:2023", "iso27001:2022"]), ("bob", ["iso42001:2023"]),
                                     ("dan", ["iso42001:2023", "iso27001:2022"])] {
            for standard in standards { try central.qualify(auditor: auditor, for: StandardID(standard)) }
        }
        XCTAssertEqual(try central.addClient(name: "Acme AI Ltd", sites: ["1 Main Street, Dublin", "Data centre, Cork"]), "C-0001")
    }

    private func assertThrows(_ expected: CentralError, file: StaticString = #filePath, line: UInt = #line,
                              _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? CentralError, expected, "\(error)", file: file, line: line)
        }
    }

    private func assertThrows(_ expected: DomainError, file: StaticString = #filePath, line: UInt = #line,
                              _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? DomainError, expected, "\(error)", file: file, line: line)
        }
    }

    // MARK: initialize and open

    func testInitializeThenOpenKeepsNodeNameAndListenAddress() throws {
        let directory = scratch.url.appendingPathComponent("central")
        let address = try ListenAddress(parsing: "[::1]:7421")
        let created = try Central.initialize(at: directory, name: "Example Certification Body", listen: address)
        let node = created.node
        XCTAssertEqual(try created.name, "Example Certification Body")
        XCTAssertEqual(try created.listenAddress, address)

        let opened = try Central(opening: directory)
        XCTAssertEqual(opened.node, node)
        XCTAssertEqual(try opened.name, "Example Certification Body")
        XCTAssertEqual(try opened.listenAddress, ListenAddress(host: "::1", port: 7421))
        XCTAssertEqual(try opened.listenAddress.description, "[::1]:7421")

        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o700)
    }

    func testInitializeDefaultsToListeningOnPort7420() throws {
        let central = try makeCentral()
        XCTAssertEqual(try central.listenAddress, ListenAddress(host: "0.0.0.0", port: 7420))
        XCTAssertEqual(try Central(opening: central.directory).listenAddress, .default)
    }

    func testProgrammeSurvivesReopening() throws {
        let central = try makeCentral()
        try addProgramme(to: central)
        let opened = try Central(opening: central.directory)
        XCTAssertEqual(try opened.auditor("alice"), Auditor(id: "alice", name: "Alice Martin", roles: [.auditor, .lead]))
        XCTAssertEqual(try opened.auditor("bob")?.roles, [.auditor], "no role given means the auditor role")
        XCTAssertEqual(try opened.auditor("dan")?.roles, [.auditor, .lead], "roles without duplicates, sorted")
        XCTAssertEqual(try opened.auditors().map(\.id), ["alice", "bob", "carol", "dan"])
        XCTAssertEqual(try opened.client("C-0001"),
                       Client(id: "C-0001", name: "Acme AI Ltd", sites: ["1 Main Street, Dublin", "Data centre, Cork"]))
        XCTAssertNil(try opened.client("C-0002"))
        XCTAssertEqual(try opened.addClient(name: "Beta Robotics", sites: ["Galway"]), "C-0002")
    }

    func testInitializeTwiceIsRefused() throws {
        let central = try makeCentral()
        let node = central.node
        assertThrows(CentralError.alreadyInitialized(central.directory.path)) {
            _ = try Central.initialize(at: central.directory, name: "Another Body")
        }
        XCTAssertEqual(try Central(opening: central.directory).node, node)
        XCTAssertEqual(try Central(opening: central.directory).name, "Example Certification Body")
    }

    func testOpeningWhereNoNodeIsIsRefusedAndCreatesNothing() throws {
        let directory = scratch.url.appendingPathComponent("nothing-here")
        assertThrows(CentralError.notInitialized(directory.path)) { _ = try Central(opening: directory) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path))
    }

    func testInitializeRefusesAnEmptyOrMultilineName() throws {
        let directory = scratch.url.appendingPathComponent("central")
        assertThrows(CentralError.emptyText(what: "central name")) { _ = try Central.initialize(at: directory, name: "  ") }
        assertThrows(CentralError.lineBreak(what: "central name")) { _ = try Central.initialize(at: directory, name: "A\nB") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent(Central.databaseName).path))
    }

    // MARK: ListenAddress

    func testListenAddressParsesHostAndPort() throws {
        let cases: [(String, String, UInt16, String)] = [
            ("0.0.0.0:7420", "0.0.0.0", 7420, "0.0.0.0:7420"),
            ("127.0.0.1:0", "127.0.0.1", 0, "127.0.0.1:0"),
            ("[::1]:7420", "::1", 7420, "[::1]:7420"),
            ("localhost:65535", "localhost", 65535, "localhost:65535"),
        ]
        for (text, host, port, description) in cases {
            let address = try ListenAddress(parsing: text)
            XCTAssertEqual(address.host, host, text)
            XCTAssertEqual(address.port, port, text)
            XCTAssertEqual(address.description, description, text)
            XCTAssertEqual(try ListenAddress(parsing: address.description), address, "round trip of \(text)")
        }
        XCTAssertEqual(ListenAddress.default.description, "0.0.0.0:7420")
    }

    func testListenAddressRefusesMalformedText() {
        for text in ["7420", "host:", "host:99999", ":80", "", "host:-1", "host:80x", "my host:80", "[]:80"] {
            XCTAssertThrowsError(try ListenAddress(parsing: text), "'\(text)' must be refused") { error in
                XCTAssertEqual(error as? CentralError, CentralError.invalidListenAddress(text))
            }
        }
    }

    // MARK: audits

    func testAuditIDsNumberSequentiallyWithinEachYear() throws {
        let clock = ManualClock("2025-06-01T09:00:00Z")
        let central = try makeCentral(now: { clock.milliseconds })
        try addProgramme(to: central)
        func create() throws -> String {
            try central.createAudit(client: "C-0001", standards: [StandardID("iso42001:2023")], kind: .stage2,
                                    scope: "AI hiring assistants", lead: "alice", auditors: ["bob"])
        }
        XCTAssertEqual(try create(), "A-2025-0001")
        XCTAssertEqual(try create(), "A-2025-0002")
        clock.set("2025-12-31T23:59:59Z")
        XCTAssertEqual(try create(), "A-2025-0003")
        clock.set("2026-01-01T00:00:00Z")
        XCTAssertEqual(try create(), "A-2026-0001", "numbering restarts with the year")
        XCTAssertEqual(try create(), "A-2026-0002")

        // The count is kept in the database, not in memory.
        let reopened = try Central(opening: central.directory, now: { clock.milliseconds })
        XCTAssertEqual(try reopened.createAudit(client: "C-0001", standards: [StandardID("iso27001:2022")], kind: .stage1,
                                                scope: "ISMS", lead: "dan", auditors: []), "A-2026-0003")
        XCTAssertEqual(try reopened.replica.audits().map(\.id),
                       ["A-2025-0001", "A-2025-0002", "A-2025-0003", "A-2026-0001", "A-2026-0002", "A-2026-0003"])
    }

    func testTheAuditPlanReachesTheReplica() throws {
        let clock = ManualClock("2026-03-02T10:00:00Z")
        let central = try makeCentral(now: { clock.milliseconds })
        try addProgramme(to: central)
        let id = try central.createAudit(
            client: "C-0001",
            standards: ["iso42001:2023", "iso23894:2023", "iso42001:2023", "iso27001:2022"].map { StandardID($0) },
            kind: .stage1, scope: "Design and operation of AI hiring assistants",
            lead: "dan", auditors: ["alice", "dan", "bob", "alice"])
        XCTAssertEqual(id, "A-2026-0001")

        let plan = try central.replica.plan(of: id)
        XCTAssertEqual(plan.id, id)
        XCTAssertEqual(plan.client, "C-0001")
        XCTAssertEqual(plan.clientName, "Acme AI Ltd")
        XCTAssertEqual(plan.sites, ["1 Main Street, Dublin", "Data centre, Cork"])
        XCTAssertEqual(plan.standards, ["iso42001:2023", "iso23894:2023", "iso27001:2022"].map { StandardID($0) },
                       "standards in the order given, without duplicates")
        XCTAssertEqual(plan.kind, .stage1)
        XCTAssertEqual(plan.scope, "Design and operation of AI hiring assistants")
        XCTAssertEqual(plan.lead, "dan")
        XCTAssertEqual(plan.auditors, ["alice", "bob"], "the lead is not repeated, nor anyone twice")
        XCTAssertEqual(plan.team, ["dan", "alice", "bob"], "lead first")

        // A reopened central reads the same plan back from its file.
        XCTAssertEqual(try Central(opening: central.directory).replica.plan(of: id), plan)
        let checklist = try central.replica.checklist(audit: id)
        XCTAssertEqual(checklist.count, plan.checklist.count)
        XCTAssertEqual(checklist.filter { $0.item.description.hasPrefix("iso42001:2023/") }.count, 70)
        XCTAssertEqual(checklist.filter { $0.item.description.hasPrefix("iso27001:2022/") }.count, 123)
        XCTAssertTrue(checklist.allSatisfy { $0.result == .notAudited })
    }

    func testAuditCreationRefusesWhatTheRulesForbid() throws {
        let central = try makeCentral()
        try addProgramme(to: central)
        let iso42001 = [StandardID("iso42001:2023")]
        assertThrows(CentralError.unknownClient("C-0009")) {
            _ = try central.createAudit(client: "C-0009", standards: iso42001, kind: .stage2, scope: "S", lead: "alice", auditors: [])
        }
        assertThrows(CentralError.unknownAuditor("zed")) {
            _ = try central.createAudit(client: "C-0001", standards: iso42001, kind: .stage2, scope: "S", lead: "alice", auditors: ["zed"])
        }
        assertThrows(CentralError.missingRole(auditor: "bob", role: "lead")) {
            _ = try central.createAudit(client: "C-0001", standards: iso42001, kind: .stage2, scope: "S", lead: "bob", auditors: [])
        }
        assertThrows(CentralError.missingRole(auditor: "carol", role: "lead")) {
            _ = try central.createAudit(client: "C-0001", standards: iso42001, kind: .stage2, scope: "S", lead: "carol", auditors: [])
        }
        assertThrows(DomainError.unknownStandard("iso99999:2024")) {
            _ = try central.createAudit(client: "C-0001", standards: [StandardID("iso99999:2024")], kind: .stage2,
                                        scope: "S", lead: "alice", auditors: [])
        }
        assertThrows(DomainError.noCertifiableStandard) {
            _ = try central.createAudit(client: "C-0001", standards: [StandardID("iso23894:2023"), StandardID("iso31000:2018")],
                                        kind: .stage2, scope: "S", lead: "alice", auditors: [])
        }
        assertThrows(CentralError.emptyText(what: "audit scope")) {
            _ = try central.createAudit(client: "C-0001", standards: iso42001, kind: .stage2, scope: " ", lead: "alice", auditors: [])
        }
        XCTAssertEqual(try central.replica.audits(), [], "no refused audit was written")
        let year = String(ISO8601DateFormatter().string(from: Date()).prefix(4))
        XCTAssertEqual(try central.createAudit(client: "C-0001", standards: iso42001, kind: .stage2, scope: "S",
                                               lead: "alice", auditors: []),
                       "A-\(year)-0001", "refusals used no number")
    }

    // MARK: identifiers and text

    func testIdentifiersWithSpacesOrSlashesAreRefused() throws {
        let central = try makeCentral()
        for id in ["alice martin", "alice/bob", "../etc", "a\tb", "", String(repeating: "a", count: 65), "élodie"] {
            assertThrows(CentralError.invalidIdentifier(what: "auditor", value: id)) {
                try central.addAuditor(id: id, name: "Someone", roles: [.auditor])
            }
        }
        XCTAssertEqual(try central.auditors(), [], "no refused auditor was stored")
        for id in ["alice", "a.b_c-d", "A1", String(repeating: "a", count: 64)] {
            XCTAssertNoThrow(try central.addAuditor(id: id, name: "Someone", roles: [.auditor]), id)
        }
        assertThrows(CentralError.duplicateAuditor("alice")) {
            try central.addAuditor(id: "alice", name: "Alice Again", roles: [.lead])
        }
        XCTAssertEqual(try central.auditor("alice")?.roles, [.auditor], "the first alice is kept as she was")
    }

    func testNamesAndSitesMustFitOnOneLine() throws {
        let central = try makeCentral()
        assertThrows(CentralError.lineBreak(what: "auditor name")) {
            try central.addAuditor(id: "alice", name: "Alice\nMartin", roles: [])
        }
        assertThrows(CentralError.emptyText(what: "auditor name")) { try central.addAuditor(id: "alice", name: "", roles: []) }
        assertThrows(CentralError.lineBreak(what: "site")) { _ = try central.addClient(name: "Acme", sites: ["Dublin\nCork"]) }
        assertThrows(CentralError.emptyText(what: "client name")) { _ = try central.addClient(name: " ", sites: ["Dublin"]) }
        assertThrows(CentralError.emptyText(what: "site list (give at least one --site)")) {
            _ = try central.addClient(name: "Acme", sites: [])
        }
        XCTAssertEqual(try central.addClient(name: "Acme", sites: ["Dublin"]), "C-0001", "refusals used no number")
    }
}
