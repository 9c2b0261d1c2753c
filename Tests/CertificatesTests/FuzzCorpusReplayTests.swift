import CanonicalJSON
import Foundation
import HexEncoding
import TestSupport
import XCTest

@testable import Certificates

/// Replays the committed inputs of the libFuzzer target `certificate` (fuzz/corpus/certificate and
/// fuzz/crashers/certificate) in the ordinary suite, with the target's properties written again
/// here on purpose (fuzz/targets/Certificate/Certificate.swift): byte 0 mod 7 picks the decoder —
/// 0 JWS.verify, 1 JWKSet(parsing:), 2 StatusList(encodedList:) of the text, 3 of "u" + base64url
/// of the bytes, 4 the strict JSON reader and the credential readers, 5 CertificateVerifier.check
/// of the lines as given, 6 of payloads signed here (by the key (byte 0 / 7) mod 3 picks).
final class FuzzCorpusReplayTests: XCTestCase {
    func testEveryCertificateInputKeepsTheFuzzersProperties() throws {
        let files = try FuzzCorpus.inputs("corpus/certificate") + FuzzCorpus.inputs("crashers/certificate")
        XCTAssertGreaterThan(files.count, 40, "the committed certificate corpus is missing")
        var properties = CertificateReplayProperties()
        for file in files {
            let input = [UInt8](try Data(contentsOf: file))
            if let violation = properties.check(input) { XCTFail("\(file.lastPathComponent): \(violation)") }
        }
        // The corpus must keep reaching every decoder's acceptance and every verdict.
        let expected: Set<String> = [
            "mode 0", "mode 1", "mode 2", "mode 3", "mode 4", "mode 5", "mode 6",
            "jws accepted", "jws refused", "key set accepted", "key set refused", "status list accepted", "status list refused",
            "certificate read", "status list credential read", "json refused",
            "verified active", "verified withdrawn", "verified suspended", "verified expired", "verified invalid",
            "signed active", "signed withdrawn", "signed suspended", "signed expired", "signed invalid",
        ]
        XCTAssertEqual(expected.subtracting(properties.seen), [], "the corpus no longer reaches these")
    }
}

/// The target's properties: the first violation for an input (nil: none), recording what it reached.
struct CertificateReplayProperties {
    static let signing = try! CertificateSigningKey(rawRepresentation: (0..<32).map { UInt8($0) &* 7 &+ 1 })
    static let encrypting = try! CertificateSigningKey(rawRepresentation: (0..<32).map { UInt8($0) &* 13 &+ 5 })
    static let outsider = try! CertificateSigningKey(rawRepresentation: (0..<32).map { UInt8($0) &* 17 &+ 3 })
    /// `signing` for signatures, `encrypting` limited to encryption (so never usable to verify).
    static let keySet: JWKSet = {
        guard case .object(var members) = encrypting.publicJWK else { fatalError("a JWK is an object") }
        members["use"] = "enc"
        return JWKSet(keys: [signing.publicJWK, .object(members)])
    }()
    static let today = "2026-07-01"
    static let todayDate = CalendarDate(today)!

    var seen: Set<String> = []

    mutating func check(_ input: [UInt8]) -> String? {
        guard let selector = input.first else { return nil }
        let body = Array(input.dropFirst())
        seen.insert("mode \(selector % 7)")
        switch selector % 7 {
        case 0: return checkJWS(String(decoding: body, as: UTF8.self))
        case 1: return checkKeySet(String(decoding: body, as: UTF8.self))
        case 2: return checkStatusList(String(decoding: body, as: UTF8.self))
        case 3: return checkStatusList("u" + Base64URL.encode(body))
        case 4: return checkJSON(body)
        case 5: return checkVerifier(Self.lines(body).map { String(decoding: $0, as: UTF8.self) })
        default: return checkSigned(Self.lines(body), signer: Int(selector / 7) % 3)
        }
    }

    static func lines(_ body: [UInt8]) -> [[UInt8]] {
        Array(body.split(separator: 0x0A, omittingEmptySubsequences: false).prefix(5).map(Array.init))
    }

    mutating func checkJWS(_ text: String) -> String? {
        if let verified = try? JWS.verify(text, keys: Self.keySet) {
            seen.insert("jws accepted")
            guard let direct = try? JWS.verify(text, publicKey: Self.signing.publicKey) else {
                return "a JWS the set accepts does not verify with its one usable key"
            }
            guard direct.header == verified.header, (try? JSONReader.parse(direct.payload)) == verified.payload else {
                return "the two ways of verifying disagree"
            }
            guard verified.header["kid"] == .string(Self.signing.kid), verified.header["crit"] == nil,
                  case .string(let algorithm)? = verified.header["alg"], JWS.acceptedAlgorithms.contains(algorithm) else {
                return "accepted a JWS whose header should be refused: \(verified.header.encoded(pretty: false))"
            }
        } else {
            seen.insert("jws refused")
        }
        if (try? JWS.verify(text, publicKey: Self.signing.publicKey)) != nil {
            let segments = text.split(separator: ".", omittingEmptySubsequences: false)
            guard segments.count == 3, segments.allSatisfy({ segment in
                Base64URL.decode(segment).map { Base64URL.encode($0) == segment } ?? false
            }) else { return "accepted a JWS that is not three canonical base64url segments" }
            if (try? JWS.verify(text, publicKey: Self.encrypting.publicKey)) != nil { return "one signature verified with two keys" }
        }
        return nil
    }

    mutating func checkKeySet(_ text: String) -> String? {
        guard let set = try? JWKSet(parsing: text) else {
            seen.insert("key set refused")
            return nil
        }
        seen.insert("key set accepted")
        for pretty in [true, false] {
            let document = set.document.encoded(pretty: pretty)
            guard let again = try? JWKSet(parsing: document) else { return "the document of an accepted key set is refused: \(document)" }
            // Whole doubles print as integers (the canonical encoding), so compare the documents.
            guard again.document.encoded() == set.document.encoded(), (try? JWKSet(parsing: again.document.encoded())) == again else {
                return "a key set's document parses to another set: \(again.document.encoded())"
            }
        }
        var usable = 0
        for key in set.keys {
            for secret in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] where key[secret] != nil {
                return "accepted a key set holding private key material (\(secret))"
            }
            let kid: String?
            if case .string(let named)? = key["kid"] { kid = named } else { kid = try? JWK.thumbprint(of: key) }
            if let kid, let publicKey = set.publicKey(kid: kid) {
                guard publicKey.count == 32 else { return "a key of \(publicKey.count) bytes under kid \(kid)" }
                usable += 1
            }
        }
        return usable > 0 ? nil : "accepted a key set in which no kid names a usable key"
    }

    mutating func checkStatusList(_ text: String) -> String? {
        guard let list = try? StatusList(encodedList: text) else {
            seen.insert("status list refused")
            return nil
        }
        seen.insert("status list accepted")
        guard list.length % 8 == 0, list.length >= StatusList.minimumLength, list.length <= StatusList.maximumLength else {
            return "accepted a status list of \(list.length) bits"
        }
        guard let again = try? StatusList(encodedList: list.encodedList) else { return "a status list's own encodedList is refused" }
        return again == list ? nil : "a status list's encodedList decodes to other bits"
    }

    mutating func checkJSON(_ bytes: [UInt8]) -> String? {
        guard let value = try? JSONReader.parse(bytes) else {
            seen.insert("json refused")
            return nil
        }
        for pretty in [true, false] {
            let text = value.encoded(pretty: pretty)
            guard let again = try? JSONReader.parse(text) else { return "the reader refuses the encoding of what it read: \(text)" }
            guard again.encoded(pretty: pretty) == text else { return "JSON re-encodes differently: \(text)" }
        }
        if let data = try? CertificateCredential.data(from: value) {
            seen.insert("certificate read")
            let payload = CertificateCredential.payload(for: data, statusListURL: "https://certification.example/status/1")
            guard let again = try? CertificateCredential.data(from: payload), again == data else {
                return "a certificate read back from its own payload differs"
            }
        }
        if let contents = try? StatusListCredential.contents(of: value) {
            seen.insert("status list credential read")
            guard contents.list.length >= StatusList.minimumLength else { return "a status list credential of \(contents.list.length) bits" }
            let suffix = "#" + contents.purpose
            if contents.id.hasSuffix(suffix) {
                let payload = StatusListCredential.payload(
                    contents.list, purpose: contents.purpose, url: String(contents.id.dropLast(suffix.count)),
                    issuerID: contents.issuerID, issuerName: "x", validFrom: contents.validFrom ?? "2026-01-01")
                guard let again = try? StatusListCredential.contents(of: payload), again.id == contents.id,
                      again.purpose == contents.purpose, again.issuerID == contents.issuerID, again.list == contents.list else {
                    return "a status list credential read back from its own payload differs"
                }
            }
        }
        return nil
    }

    mutating func checkVerifier(_ texts: [String]) -> String? {
        guard let certificate = texts.first else { return nil }
        let lists = Array(texts.dropFirst())
        let result = CertificateVerifier.check(certificate: certificate, keys: Self.keySet, statusLists: lists, today: Self.today)
        seen.insert("verified \(result.status)")
        guard result.status != .invalid else { return nil }
        guard let verified = try? JWS.verify(Self.trimmed(certificate), publicKey: Self.signing.publicKey),
              let payload = try? JSONReader.parse(verified.payload), (try? CertificateCredential.data(from: payload)) != nil else {
            return "\(result.status) for a certificate that does not verify with the fixed keys or cannot be read"
        }
        if result.status == .withdrawn || result.status == .suspended,
           !lists.contains(where: { (try? JWS.verify(Self.trimmed($0), publicKey: Self.signing.publicKey)) != nil }) {
            return "\(result.status) without a status list signed by the fixed keys"
        }
        return nil
    }

    mutating func checkSigned(_ payloads: [[UInt8]], signer: Int) -> String? {
        guard let certificatePayload = payloads.first else { return nil }
        let key = [Self.signing, Self.encrypting, Self.outsider][signer]
        let certificate = Self.sign(certificatePayload, with: key)
        let lists = payloads.dropFirst().map { Self.sign($0, with: Self.signing) }
        let result = CertificateVerifier.check(certificate: certificate, keys: Self.keySet, statusLists: lists, today: Self.today)
        seen.insert("signed \(result.status)")
        let what = "\(result.status) (\(result.reason ?? ""))"
        guard signer == 0 else { return result.status == .invalid ? nil : "\(what), signed by a key the set does not let verify" }
        guard let value = try? JSONReader.parse(certificatePayload), let read = try? CertificateCredential.read(value) else {
            return result.status == .invalid ? nil : "\(what): the payload is not a certificate"
        }
        let issued = CalendarDate(read.data.issueDate)!
        let expiry = CalendarDate(read.data.expiryDate)!
        guard Self.todayDate >= issued else { return result.status == .invalid ? nil : "\(what): issued after today" }

        var usable: [String: [Bool]] = [:]
        var stale: Set<String> = []
        var staleRevoked = false
        for payload in payloads.dropFirst() {
            guard let value = try? JSONReader.parse(payload), let contents = try? StatusListCredential.contents(of: value),
                  contents.issuerID == read.data.issuerID,
                  let entry = read.status.first(where: { $0.purpose == contents.purpose && $0.listCredential == contents.id }) else { continue }
            if let end = contents.validUntil, let endDay = CalendarDate(String(end.prefix(10))), endDay < Self.todayDate {
                // Stale: refused, not trusted — but a withdrawal it records is for good.
                stale.insert(contents.purpose)
                if contents.purpose == "revocation", entry.index < contents.list.length, contents.list[entry.index] { staleRevoked = true }
                continue
            }
            guard entry.index < contents.list.length else { continue }
            usable[contents.purpose, default: []].append(contents.list[entry.index])
        }
        func all(_ purpose: String) -> Bool { usable[purpose].map { !$0.isEmpty && !$0.contains(false) } ?? false }
        func any(_ purpose: String) -> Bool { usable[purpose]?.contains(true) ?? false }
        let expected: Set<CertificateStatus>
        let staleOnly = stale.subtracting(usable.keys)
        if all("revocation") {
            expected = [.withdrawn]
        } else if staleRevoked && usable["revocation"] == nil {
            expected = [.withdrawn]
        } else if !staleOnly.isEmpty {
            expected = any("revocation") ? [.invalid, .withdrawn] : [.invalid]
        } else if all("suspension") && !any("revocation") {
            expected = [.suspended]
        } else if !any("revocation") && !any("suspension") {
            expected = [expiry < Self.todayDate ? .expired : .active]
        } else {
            expected = [.withdrawn, .suspended, expiry < Self.todayDate ? .expired : .active]
        }
        return expected.contains(result.status) ? nil : "\(what): expected one of \(expected)"
    }

    static func sign(_ payload: [UInt8], with key: CertificateSigningKey) -> String {
        let header: JSONValue = ["alg": "Ed25519", "kid": .string(key.kid), "typ": "vc+jwt"]
        return JWS.sign(protectedHeader: Array(header.encoded(pretty: false).utf8), payload: payload, with: key)
    }

    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
