import TestSupport
import WireProtocol
import XCTest

final class EnrollmentMessageTests: XCTestCase {
    func testEnrollAndEnrolledRoundTrip() throws {
        var random = SplitMix64(seed: 0xE2)
        for round in 0..<100 {
            let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
            let name = String(repeating: "é", count: round)
            let request = EnrollRequest(secret: secret, deviceName: name)
            XCTAssertEqual(request.message.type, .enroll)
            let decoded = try EnrollRequest(payload: request.message.payload)
            XCTAssertEqual(decoded.secret, secret)
            // Names are cut at 255 bytes, at a character boundary.
            XCTAssertEqual(decoded.deviceName, String(repeating: "é", count: min(round, 127)))

            let grant = EnrollGrant(auditor: "alice-\(round)", auditorName: name, centralName: "Cert Body")
            XCTAssertEqual(grant.message.type, .enrolled)
            let back = try EnrollGrant(payload: grant.message.payload)
            XCTAssertEqual(back.auditor, grant.auditor)
            XCTAssertEqual(back.centralName, "Cert Body")
        }
    }

    func testTheLayoutIsTheDocumentedOne() {
        let request = EnrollRequest(secret: [UInt8](repeating: 0xAB, count: 32), deviceName: "pc")
        XCTAssertEqual(request.message.encoded(),
                       [0x10, 0, 0, 0, 36, 1] + [UInt8](repeating: 0xAB, count: 32) + [2, 0x70, 0x63])
        let grant = EnrollGrant(auditor: "a", auditorName: "A", centralName: "C")
        XCTAssertEqual(grant.message.encoded(), [0x11, 0, 0, 0, 7, 1, 1, 0x61, 1, 0x41, 1, 0x43])
    }

    func testEveryTruncationAndExtensionIsRefused() {
        let request = EnrollRequest(secret: [UInt8](repeating: 7, count: 32), deviceName: "laptop").message.payload
        let grant = EnrollGrant(auditor: "alice", auditorName: "Alice", centralName: "CB").message.payload
        for cut in 0..<request.count {
            XCTAssertThrowsError(try EnrollRequest(payload: Array(request.prefix(cut))), "enroll cut at \(cut)")
        }
        for cut in 0..<grant.count {
            XCTAssertThrowsError(try EnrollGrant(payload: Array(grant.prefix(cut))), "enrolled cut at \(cut)")
        }
        XCTAssertThrowsError(try EnrollRequest(payload: request + [0]))
        XCTAssertThrowsError(try EnrollGrant(payload: grant + [0]))
        var otherFormat = request
        otherFormat[0] = 2
        XCTAssertThrowsError(try EnrollRequest(payload: otherFormat))
        var badName = request
        badName[request.count - 1] = 0xFF
        XCTAssertThrowsError(try EnrollRequest(payload: badName)) { XCTAssertTrue("\($0)".contains("not UTF-8")) }
    }
}
