import CanonicalJSON
import HexEncoding
import TestSupport
import XCTest

@testable import Certificates

final class StatusListTests: XCTestCase {
    func testBitsSetAndClear() {
        var list = StatusList()
        XCTAssertEqual(list.length, StatusList.minimumLength)
        for index in [0, 1, 7, 8, 4242, StatusList.minimumLength - 1] {
            XCTAssertFalse(list[index])
            list[index] = true
            XCTAssertTrue(list[index])
        }
        XCTAssertFalse(list[2])
        list[7] = false
        XCTAssertFalse(list[7])
        XCTAssertTrue(list[8])
        XCTAssertNotEqual(list, StatusList())
    }

    /// Bit 0 is the most significant bit of byte 0 (the specification's "left-most bit").
    func testBitOrder() throws {
        var list = StatusList()
        list[0] = true
        list[9] = true
        list[StatusList.minimumLength - 1] = true
        let bytes = try Gzip.decompress(XCTUnwrap(Base64URL.decode(list.encodedList.dropFirst())), limit: 1 << 20)
        XCTAssertEqual(bytes.count, StatusList.minimumLength / 8)
        XCTAssertEqual(bytes[0], 0x80)
        XCTAssertEqual(bytes[1], 0x40)
        XCTAssertEqual(bytes.last, 0x01)
        XCTAssertEqual(bytes.dropFirst(2).dropLast().allSatisfy { $0 == 0 }, true)
    }

    func testEncodedListRoundTrips() throws {
        var random = SplitMix64(seed: 0x5747)
        for round in 0..<8 {
            var list = StatusList(length: StatusList.minimumLength + 8 * Int.random(in: 0...4096, using: &random))
            let count = round == 7 ? list.length / 2 : Int.random(in: 0...200, using: &random)
            var set: Set<Int> = []
            for _ in 0..<count {
                let index = Int.random(in: 0..<list.length, using: &random)
                list[index] = true
                set.insert(index)
            }
            let encoded = list.encodedList
            XCTAssertTrue(encoded.hasPrefix("u"))
            let decoded = try StatusList(encodedList: encoded)
            XCTAssertEqual(decoded, list, "seed 0x5747, round \(round)")
            XCTAssertEqual(decoded.length, list.length)
            for index in set { XCTAssertTrue(decoded[index]) }
            // The same bits always encode to the same text.
            XCTAssertEqual(decoded.encodedList, encoded)
        }
        // An empty list of the minimum size compresses to a few dozen bytes.
        XCTAssertLessThan(StatusList().encodedList.utf8.count, 300)
    }

    func testAListShorterThanTheMinimumIsRefused() {
        let short = "u" + Base64URL.encode(Gzip.compress([UInt8](repeating: 0, count: StatusList.minimumLength / 8 - 1)))
        XCTAssertThrowsError(try StatusList(encodedList: short)) { error in
            XCTAssertTrue("\(error)".contains("at least \(StatusList.minimumLength)"), "\(error)")
        }
        XCTAssertThrowsError(try StatusList(encodedList: "u" + Base64URL.encode(Gzip.compress([]))))
    }

    func testAListLongerThanTheMaximumIsRefused() {
        let long = "u" + Base64URL.encode(Gzip.compress([UInt8](repeating: 0, count: StatusList.maximumLength / 8 + 1)))
        XCTAssertLessThan(long.utf8.count, 64 * 1024)  // tiny on the wire, huge once expanded
        XCTAssertThrowsError(try StatusList(encodedList: long)) { error in
            XCTAssertTrue("\(error)".contains("expands to more than"), "\(error)")
        }
    }

    func testBadEncodingsAreRefusedWithAReason() throws {
        let good = StatusList().encodedList
        let compressed = try XCTUnwrap(Base64URL.decode(good.dropFirst()))
        let cases: [(String, String)] = [
            ("", "start with u"),
            (String(good.dropFirst()), "start with u"),
            ("z" + good.dropFirst(), "start with u"),
            ("u", "cut short"),
            ("u!!!!", "not base64url"),
            (good + "=", "not base64url"),
            ("u" + Base64URL.encode(compressed.dropLast(4)), "cut short"),
            ("u" + Base64URL.encode(compressed + [0x00]), "bytes after"),
            ("u" + Base64URL.encode(compressed + compressed), "bytes after"),
            ("u" + Base64URL.encode([UInt8](repeating: 0, count: 64)), "not valid gzip"),
            // A zlib (RFC 1950) stream of the same bits is not gzip.
            ("u" + Base64URL.encode([0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]), "not valid gzip"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try StatusList(encodedList: text), String(text.prefix(40))) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text.prefix(40)): \(error)")
            }
        }
        // A damaged CRC is caught by zlib.
        var damaged = compressed
        damaged[damaged.count - 6] ^= 0xFF
        XCTAssertThrowsError(try StatusList(encodedList: "u" + Base64URL.encode(damaged)))
    }

    func testTheStatusListCredential() throws {
        var list = StatusList()
        list[4242] = true
        let payload = StatusListCredential.payload(list, purpose: "revocation", url: "https://cb.example/status/1",
                                                   issuerID: "urn:auditsync:central:00ff", issuerName: "CB", validFrom: "2026-06-01")
        XCTAssertEqual(payload, [
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "https://cb.example/status/1#revocation",
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": ["id": "urn:auditsync:central:00ff", "name": "CB"],
            "validFrom": "2026-06-01T00:00:00Z",
            "credentialSubject": ["type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": .string(list.encodedList)],
        ])
        let contents = try StatusListCredential.contents(of: payload)
        XCTAssertEqual(contents.id, "https://cb.example/status/1#revocation")
        XCTAssertEqual(contents.purpose, "revocation")
        XCTAssertEqual(contents.issuerID, "urn:auditsync:central:00ff")
        XCTAssertEqual(contents.list, list)
        XCTAssertNil(contents.validUntil)
        let stamped = StatusListCredential.payload(list, purpose: "suspension", url: "u", issuerID: "i", issuerName: "n", validFrom: "2026-06-01T10:11:12.345Z")
        XCTAssertEqual(stamped["validFrom"], "2026-06-01T10:11:12.345Z")
        XCTAssertThrowsError(try StatusListCredential.contents(of: CertificateCredential.payload(for: CertificateFixtures.data, statusListURL: "u")))
    }
}
