import CanonicalJSON
import Certificates
import HexEncoding
import TestSupport
import XCTest

/// Whatever arrives from outside — a pasted token, a key set file, a status list off the wire —
/// is refused with an error or accepted, never a trap. Seeded, so a failure replays from its seed.
final class CertificateInputFuzzTests: XCTestCase {
    private let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".unicodeScalars)

    func testRandomTextIntoEveryDecoder() {
        var random = SplitMix64(seed: 0xF022)
        for _ in 0..<3000 {
            let bytes = (0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            for text in [String(decoding: bytes, as: UTF8.self), tokenLike(&random), "u" + Base64URL.encode(bytes)] {
                _ = try? JWS.verify(text, keys: CertificateFixtures.keySet)
                _ = try? JWS.verify(text, publicKey: CertificateFixtures.key.publicKey)
                _ = try? JWKSet(parsing: text)
                _ = try? StatusList(encodedList: text)
                _ = CertificateVerifier.check(certificate: text, keys: CertificateFixtures.keySet, statusLists: [text], today: "2026-07-01")
            }
        }
    }

    /// Headers and payloads that are JSON of every shape, correctly signed: the structure checks
    /// behind the signature must refuse them without trapping too.
    func testSignedRandomJSONIntoTheReaders() {
        var random = SplitMix64(seed: 0x51C4)
        let certificate = CertificateCredential.payload(for: CertificateFixtures.data, statusListURL: CertificateFixtures.statusListURL)
        let statusList = StatusListCredential.payload(StatusList(), purpose: "revocation", url: CertificateFixtures.statusListURL,
                                                      issuerID: CertificateFixtures.issuerID, issuerName: "CB", validFrom: "2026-06-01")
        for round in 0..<400 {
            for payload in [mutated(certificate, &random), mutated(statusList, &random)] {
                _ = try? CertificateCredential.data(from: payload)
                _ = try? StatusListCredential.contents(of: payload)
                let token = JWS.sign(payload, type: "vc+jwt", with: CertificateFixtures.key)
                let result = CertificateVerifier.check(certificate: token, keys: CertificateFixtures.keySet, statusLists: [token], today: "2026-07-01")
                if result.status != .invalid {
                    XCTAssertEqual(try CertificateCredential.data(from: payload).number.isEmpty, false, "seed 0x51C4, round \(round)")
                }
            }
            let header = mutated(["alg": "Ed25519", "kid": .string(CertificateFixtures.key.kid), "typ": "vc+jwt", "crit": ["x"]], &random)
            let token = JWS.sign(protectedHeader: Array(header.encoded(pretty: false).utf8), payload: Array(certificate.encoded().utf8), with: CertificateFixtures.key)
            _ = try? JWS.verify(token, keys: CertificateFixtures.keySet)
            let set = mutated(CertificateFixtures.keySet.document, &random)
            _ = try? JWKSet(parsing: set.encoded())
            _ = JWKSet(keys: set["keys"]?.elements ?? [set]).publicKey(kid: CertificateFixtures.key.kid)
        }
    }

    /// Any change of one character of a signed token is refused: strict base64url gives each
    /// segment one text, and the signature covers the rest.
    func testEverySingleCharacterChangeOfATokenIsRefused() {
        var random = SplitMix64(seed: 0x7A4D)
        let token = Array(CertificateFixtures.certificate().unicodeScalars)
        for _ in 0..<1500 {
            var changed = token
            let position = Int.random(in: 0..<token.count, using: &random)
            repeat {
                changed[position] = Bool.random(using: &random) ? alphabet.randomElement(using: &random)! : ["." , "=", "+", "/", " "].randomElement(using: &random)!
            } while changed[position] == token[position]
            var text = ""
            text.unicodeScalars.append(contentsOf: changed)
            XCTAssertThrowsError(try JWS.verify(text, keys: CertificateFixtures.keySet), "seed 0x7A4D, position \(position)")
        }
        // And every cut.
        for length in 0..<token.count {
            var text = ""
            text.unicodeScalars.append(contentsOf: token.prefix(length))
            XCTAssertThrowsError(try JWS.verify(text, keys: CertificateFixtures.keySet), "cut at \(length)")
        }
    }

    func testDamagedStatusListsNeverTrap() throws {
        var random = SplitMix64(seed: 0x6219)
        var list = StatusList()
        for _ in 0..<300 { list[Int.random(in: 0..<list.length, using: &random)] = true }
        let compressed = try XCTUnwrap(Base64URL.decode(list.encodedList.dropFirst()))
        for _ in 0..<1500 {
            var damaged = compressed
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                switch Int.random(in: 0..<3, using: &random) {
                case 0: damaged[Int.random(in: 0..<damaged.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                case 1: damaged = Array(damaged.prefix(Int.random(in: 0...damaged.count, using: &random)))
                default: damaged.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...damaged.count, using: &random))
                }
                if damaged.isEmpty { break }
            }
            if let decoded = try? StatusList(encodedList: "u" + Base64URL.encode(damaged)) {
                XCTAssertGreaterThanOrEqual(decoded.length, StatusList.minimumLength)
            }
        }
    }

    private func tokenLike(_ random: inout SplitMix64) -> String {
        (0..<Int.random(in: 1...5, using: &random)).map { _ in
            var segment = ""
            for _ in 0..<Int.random(in: 0...90, using: &random) { segment.unicodeScalars.append(alphabet.randomElement(using: &random)!) }
            return segment
        }.joined(separator: ".")
    }

    /// `value` with a few random edits: members removed, replaced or added, types swapped.
    private func mutated(_ value: JSONValue, _ random: inout SplitMix64, depth: Int = 0) -> JSONValue {
        let replacements: [JSONValue] = [.null, true, 0, -1, 1.5, "", "x", "2026-02-29", "u", [], [:], ["a"], ["id": "x"]]
        if depth > 0, Int.random(in: 0..<6, using: &random) == 0 { return replacements.randomElement(using: &random)! }
        switch value {
        case .object(var members):
            for key in members.keys.sorted() where Int.random(in: 0..<3, using: &random) == 0 {
                if Bool.random(using: &random) { members[key] = nil } else { members[key] = mutated(members[key]!, &random, depth: depth + 1) }
            }
            if Int.random(in: 0..<4, using: &random) == 0 { members["extra"] = replacements.randomElement(using: &random)! }
            return .object(members)
        case .array(var elements):
            elements = elements.map { Bool.random(using: &random) ? mutated($0, &random, depth: depth + 1) : $0 }
            if !elements.isEmpty, Bool.random(using: &random) { elements.remove(at: Int.random(in: 0..<elements.count, using: &random)) }
            if Int.random(in: 0..<4, using: &random) == 0 { elements.append(replacements.randomElement(using: &random)!) }
            return .array(elements)
        default:
            return Int.random(in: 0..<3, using: &random) == 0 ? replacements.randomElement(using: &random)! : value
        }
    }
}
