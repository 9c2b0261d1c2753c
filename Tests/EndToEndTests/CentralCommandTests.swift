import Foundation
import XCTest
import TestSupport

/// `auditsync central …` end to end: argv in, exact output out.
///
/// This file sets up a programme: `central init`, `central auditor add` and `central client add`.
/// Audits are created and shown in `CentralCommandTests+Audits.swift`, help and bad usage are in
/// `CentralCommandTests+Help.swift`, and where the data lives (and what happens when it is missing
/// or damaged) is in `CentralCommandTests+DataDirectory.swift`; the fixtures they share are in
/// `CentralCommandTestSupport.swift`.
final class CentralCommandTests: XCTestCase {
    // MARK: central init

    func testInitPrintsTheNewNodeAndCreatesAnOwnerOnlyDirectory() throws {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        let result = try central(["init", "--name", "Example Certification Body", "--listen", "127.0.0.1:0"], data: data)
        assertSuccess(result)
        let words = result.stdout.split(separator: " ")
        let node = words.count > 3 ? String(words[3]) : ""
        XCTAssertTrue(node.matches("[0-9a-f]{16}"), "node id in \(result.stdout)")
        XCTAssertEqual(result.stdout,
                       "created central node \(node) for Example Certification Body in \(data.path) (listens on 127.0.0.1:0)\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: data.appendingPathComponent("central.sqlite").path))
        XCTAssertEqual(try permissions(data), 0o700, "the data directory is owner-only")
    }

    func testInitWithJSONPrintsOneDocumentWithTheNodeID() throws {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        let result = try central(["init", "--name", "Example Certification Body", "--json"], data: data)
        assertSuccess(result)
        let document = try jsonObject(result)
        let id = document["id"] as? String ?? ""
        XCTAssertTrue(id.matches("[0-9a-f]{16}"), "id is 16 hex digits: \(id)")
        XCTAssertEqual(Set(document.keys), ["id", "name", "listen", "data"])
        XCTAssertEqual(document["name"] as? String, "Example Certification Body")
        XCTAssertEqual(document["listen"] as? String, "0.0.0.0:7420")
        XCTAssertEqual(document["data"] as? String, data.path)
        XCTAssertEqual(try permissions(data), 0o700, "the data directory is owner-only")

        // Two nodes never share an id.
        let other = try central(["init", "--name", "Other Body", "--json"], data: scratch.appending("other"))
        assertSuccess(other)
        XCTAssertNotEqual(try jsonObject(other)["id"] as? String, id)
    }

    func testInitTwiceIsRefusedAndNamesTheDirectory() throws {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        assertSuccess(try central(["init", "--name", "Example Certification Body"], data: data))
        let database = data.appendingPathComponent("central.sqlite")
        let before = try Data(contentsOf: database)

        let again = try central(["init", "--name", "Another Body", "--json"], data: data)
        let line = assertFailure(again, status: 1)
        XCTAssertEqual(line, "error: a central node already exists in \(data.path); use it, or choose another directory with --data")
        XCTAssertEqual(try Data(contentsOf: database), before, "the existing node is untouched")
    }

    func testInitWithMalformedListenAddressIsBadUsageAndCreatesNothing() throws {
        let scratch = try ScratchDirectory()
        for address in ["7420", "host:", "host:99999", ":80"] {
            let data = scratch.appending("central-\(address.count)")
            let result = try central(["init", "--name", "Example Certification Body", "--listen", address], data: data)
            let line = assertFailure(result, status: 2)
            XCTAssertTrue(line.contains("'\(address)' is not a listen address"), line)
            XCTAssertFalse(FileManager.default.fileExists(atPath: data.path), "nothing created for \(address)")
        }
    }

    // MARK: central auditor add

    func testAuditorAddPrintsTheIdAndRoles() throws {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        assertSuccess(try central(["init", "--name", "Example Certification Body"], data: data))

        let json = try central(["auditor", "add", "--id", "alice", "--name", "Alice Martin",
                                "--role", "lead", "--role", "auditor", "--role", "lead", "--json"], data: data)
        assertSuccess(json)
        XCTAssertEqual(json.stdout, "{\n  \"id\": \"alice\",\n  \"qualified\": [],\n  \"roles\": [\n    \"auditor\",\n    \"lead\"\n  ]\n}\n")

        let human = try central(["auditor", "add", "--id", "bob", "--name", "Bob Osei"], data: data)
        assertSuccess(human)
        XCTAssertEqual(human.stdout, "added auditor bob (auditor)\n", "with no --role, the auditor role")

        let reviewer = try central(["auditor", "add", "--id", "carol", "--name", "Carol Ng", "--role", "reviewer"], data: data)
        assertSuccess(reviewer)
        XCTAssertEqual(reviewer.stdout, "added auditor carol (reviewer)\n")
    }

    func testDuplicateAuditorIsRefused() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let result = try central(["auditor", "add", "--id", "alice", "--name", "Alice Again", "--json"], data: data)
        XCTAssertEqual(assertFailure(result, status: 1), "error: auditor alice already exists")
    }

    func testUnknownRoleIsBadUsageAndAddsNobody() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let result = try central(["auditor", "add", "--id", "dave", "--name", "Dave", "--role", "boss"], data: data)
        XCTAssertEqual(assertFailure(result, status: 2),
                       "error: 'boss' is not a valid role; use one of: auditor, lead, reviewer (see `auditsync central auditor add --help`)")
        // dave was not added: adding him now succeeds.
        assertSuccess(try central(["auditor", "add", "--id", "dave", "--name", "Dave"], data: data))
    }

    // MARK: central client add

    func testClientAddNumbersClientsInOrder() throws {
        let scratch = try ScratchDirectory()
        let data = scratch.appending("central")
        assertSuccess(try central(["init", "--name", "Example Certification Body"], data: data))

        let first = try central(["client", "add", "--name", "Acme AI Ltd", "--site", "Dublin", "--json"], data: data)
        assertSuccess(first)
        XCTAssertEqual(first.stdout, "{\n  \"id\": \"C-0001\"\n}\n")
        XCTAssertEqual(try jsonObject(first)["id"] as? String, "C-0001")

        let second = try central(["client", "add", "--name", "Beta Robotics", "--site", "Cork", "--site", "Galway", "--json"], data: data)
        assertSuccess(second)
        XCTAssertEqual(second.stdout, "{\n  \"id\": \"C-0002\"\n}\n")

        let third = try central(["client", "add", "--name", "Gamma Data", "--site", "Limerick"], data: data)
        assertSuccess(third)
        XCTAssertEqual(third.stdout, "added client C-0003: Gamma Data\n")
    }

    func testClientWithoutSiteIsBadUsage() throws {
        let (scratch, data) = try makeProgramme()
        defer { withExtendedLifetime(scratch) {} }
        let result = try central(["client", "add", "--name", "No Site Ltd", "--json"], data: data)
        XCTAssertEqual(assertFailure(result, status: 2),
                       "error: give at least one --site (see `auditsync central client add --help`)")
        // Nothing was added: the next client is still C-0002.
        let next = try central(["client", "add", "--name", "Next Ltd", "--site", "Cork", "--json"], data: data)
        XCTAssertEqual(next.stdout, "{\n  \"id\": \"C-0002\"\n}\n")
    }
}
