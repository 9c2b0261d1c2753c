import Foundation
import SQLiteKit
import WireProtocol
import XCTest

@testable import CentralNode

/// Issuing tokens, redeeming them (as the server does for `enroll`), revoking nodes.
final class EnrollmentTests: XCTestCase {
    private var scratch: CentralTestDirectory!
    private var central: Central!
    private var directory: NodeDirectory!
    private let key = [UInt8](repeating: 0x42, count: 32)

    override func setUpWithError() throws {
        scratch = try CentralTestDirectory()
        central = try Central.initialize(at: scratch.url.appendingPathComponent("central"), name: "Cert Body")
        try central.addAuditor(id: "alice", name: "Alice Martin", roles: [])
        directory = try NodeDirectory(centralDirectory: central.directory)
    }

    private func issue() throws -> EnrollmentToken {
        try central.issueEnrollment(auditor: "alice", host: "audit.example.org", port: 7420).token
    }

    private func refusal(_ outcome: EnrollmentOutcome, file: StaticString = #filePath, line: UInt = #line) -> String {
        guard case .refused(let reason) = outcome else {
            XCTFail("expected a refusal, got \(outcome)", file: file, line: line)
            return ""
        }
        return reason
    }

    func testATokenCarriesTheCentralsAddressAndKeyAndOnlyItsHashIsKept() throws {
        let issued = try central.issueEnrollment(auditor: "alice", host: "audit.example.org", port: 7421, validHours: 2)
        XCTAssertEqual(issued.token.host, "audit.example.org")
        XCTAssertEqual(issued.token.port, 7421)
        XCTAssertEqual(issued.token.centralKey, try central.staticKey().publicKey)
        XCTAssertEqual(try EnrollmentToken(parsing: issued.token.text), issued.token)
        XCTAssertTrue(issued.expiresAt.hasSuffix("Z"))
        let bytes = try Data(contentsOf: central.directory.appendingPathComponent(Central.databaseName))
        XCTAssertNil(bytes.range(of: Data(issued.token.secret)), "the secret itself is never stored")
    }

    func testIssuingForAnUnknownAuditorOrAnAbsurdValidityIsRefused() {
        XCTAssertThrowsError(try central.issueEnrollment(auditor: "bob", host: "h", port: 1)) {
            XCTAssertEqual($0 as? CentralError, .unknownAuditor("bob"))
        }
        XCTAssertThrowsError(try central.issueEnrollment(auditor: "alice", host: "h", port: 1, validHours: 0))
        XCTAssertThrowsError(try central.issueEnrollment(auditor: "alice", host: "127.0.0.1", port: 0)) {
            XCTAssertTrue("\($0)".contains("pass --address HOST:PORT"), "\($0)")
        }
        XCTAssertThrowsError(try central.issueEnrollment(auditor: "alice", host: String(repeating: "h", count: 256), port: 7420))
    }

    func testATokenEnrollsOneNodeOnceAndTheSameNodeMayAskAgain() throws {
        let token = try issue()
        let outcome = try directory.redeem(secret: token.secret, node: "00000000000000aa", publicKey: key, deviceName: "pc")
        guard case .enrolled(let node, let auditorName) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(node.id, "00000000000000aa")
        XCTAssertEqual(node.auditor, "alice")
        XCTAssertEqual(node.deviceName, "pc")
        XCTAssertEqual(auditorName, "Alice Martin")
        XCTAssertEqual(try central.nodes().map(\.id), ["00000000000000aa"])

        // The same node asking again (its answer was lost) gets the same answer.
        XCTAssertEqual(try directory.redeem(secret: token.secret, node: "00000000000000aa", publicKey: key, deviceName: "pc"), outcome)
        // Anyone else is refused, and nothing is registered.
        let other = [UInt8](repeating: 0x43, count: 32)
        let reason = refusal(try directory.redeem(secret: token.secret, node: "00000000000000bb", publicKey: other, deviceName: "x"))
        XCTAssertTrue(reason.contains("already used") && reason.contains("00000000000000aa"), reason)
        // The same key under another node id is someone else too.
        let moved = refusal(try directory.redeem(secret: token.secret, node: "00000000000000bb", publicKey: key, deviceName: "pc"))
        XCTAssertTrue(moved.contains("already used"), moved)
        XCTAssertEqual(try central.nodes().count, 1)
        // Once revoked, the node's retry is an enrollment like any other: refused.
        _ = try central.revokeNode("00000000000000aa", reason: "stolen")
        let revoked = refusal(try directory.redeem(secret: token.secret, node: "00000000000000aa", publicKey: key, deviceName: "pc"))
        XCTAssertTrue(revoked.contains("was revoked"), revoked)
    }

    func testUnknownAndExpiredTokensAreRefused() throws {
        XCTAssertTrue(refusal(try directory.redeem(secret: [UInt8](repeating: 9, count: 32), node: "01", publicKey: key,
                                                   deviceName: "")).contains("not known"))
        let token = try issue()
        let database = try Database(path: central.directory.appendingPathComponent(Central.databaseName).path)
        try database.execute("UPDATE enrollments SET expires_at = '2000-01-01T00:00:00.000Z'")
        let reason = refusal(try directory.redeem(secret: token.secret, node: "01", publicKey: key, deviceName: ""))
        XCTAssertTrue(reason.contains("expired at 2000-01-01"), reason)
        XCTAssertEqual(try central.nodes().count, 0)
    }

    func testAKeyOrANodeIDAlreadyRegisteredIsRefused() throws {
        try central.registerNode(id: "00000000000000aa", publicKey: key, auditor: "alice")
        let sameKey = refusal(try directory.redeem(secret: try issue().secret, node: "00000000000000bb", publicKey: key, deviceName: ""))
        XCTAssertTrue(sameKey.contains("already enrolled as node 00000000000000aa"), sameKey)
        try central.addAuditor(id: "bob", name: "Bob", roles: [])
        let bobs = try central.issueEnrollment(auditor: "bob", host: "audit.example.org", port: 7420).token
        let otherAuditor = refusal(try directory.redeem(secret: bobs.secret, node: "00000000000000aa",
                                                        publicKey: [UInt8](repeating: 1, count: 32), deviceName: ""))
        XCTAssertTrue(otherAuditor.contains("belongs to auditor alice"), otherAuditor)
    }

    func testALaptopThatLostItsKeyEnrollsAgainUnderItsNodeIDAndTheOldKeyIsRetired() throws {
        try central.registerNode(id: "00000000000000aa", publicKey: key, auditor: "alice")
        let newKey = [UInt8](repeating: 1, count: 32)
        let outcome = try directory.redeem(secret: try issue().secret, node: "00000000000000aa", publicKey: newKey, deviceName: "again")
        guard case .enrolled(let node, _) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(node.id, "00000000000000aa")
        XCTAssertEqual(node.publicKey, newKey)
        XCTAssertEqual(try central.nodes().count, 1)
        XCTAssertNil(try directory.node(withKey: key), "the lost key no longer gets in")
        _ = try central.revokeNode("00000000000000aa", reason: "stolen")
        let revoked = refusal(try directory.redeem(secret: try issue().secret, node: "00000000000000aa",
                                                   publicKey: [UInt8](repeating: 2, count: 32), deviceName: ""))
        XCTAssertTrue(revoked.contains("was revoked"), revoked)
    }

    func testRevokingMarksTheNodeOnceAndUnknownNodesAreAnError() throws {
        try central.registerNode(id: "00000000000000aa", publicKey: key, auditor: "alice")
        let revoked = try central.revokeNode("00000000000000aa", reason: "laptop stolen")
        XCTAssertNotNil(revoked.revokedAt)
        XCTAssertEqual(revoked.revokeReason, "laptop stolen")
        let again = try central.revokeNode("00000000000000aa", reason: "other")
        XCTAssertEqual(again.revokedAt, revoked.revokedAt, "the first revocation stands")
        XCTAssertEqual(again.revokeReason, "laptop stolen")
        XCTAssertThrowsError(try central.revokeNode("ffff", reason: "x")) { XCTAssertEqual($0 as? CentralError, .unknownNode("ffff")) }
        XCTAssertThrowsError(try central.revokeNode("00000000000000aa", reason: " ")) {
            XCTAssertEqual($0 as? CentralError, .emptyText(what: "reason"))
        }
    }

    func testTheDirectorySeesChangesMadeByAnotherConnection() throws {
        _ = try directory.changedSinceLastCheck()
        XCTAssertFalse(try directory.changedSinceLastCheck())
        try central.registerNode(id: "00000000000000aa", publicKey: key, auditor: "alice")
        XCTAssertTrue(try directory.changedSinceLastCheck())
        XCTAssertFalse(try directory.changedSinceLastCheck())
        try central.revokeNode("00000000000000aa", reason: "lost")
        XCTAssertTrue(try directory.changedSinceLastCheck())
    }
}
