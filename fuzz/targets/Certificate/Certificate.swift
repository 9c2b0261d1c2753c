// libFuzzer target `certificate`: the decoders `auditsync verify` runs on files from anyone — a
// signed certificate, a JWK Set, status list credentials. Built by `fuzz/run certificate` through
// the small package fuzz/Package.swift, against the Certificates, HexEncoding, CanonicalJSON and
// CZlib sources themselves (Certificates with -enable-testing, for its strict JSON reader).
//
// Input: byte 0 picks the decoder (byte 0 mod 7), the rest is the text or bytes.
//   0  JWS.verify against the fixed JWK Set, and with the one usable key directly;
//   1  JWKSet(parsing:);
//   2  StatusList(encodedList:) of the text;
//   3  StatusList(encodedList:) of "u" + base64url(the bytes): the fuzzer edits gzip data itself;
//   4  the strict JSON reader, then CertificateCredential.data(from:) and
//      StatusListCredential.contents(of:) of what it read;
//   5  CertificateVerifier.check: the lines (split at \n) are the certificate, then up to four
//      status list credentials, as given;
//   6  CertificateVerifier.check of payloads signed here: the lines are the certificate's payload,
//      then up to four status list payloads, signed as vc+jwt — the certificate by the key
//      (byte 0 / 7) mod 3 picks: 0 the set's usable key, 1 a key the set holds for encryption
//      only, 2 a key outside the set; the lists always by the usable key. So the fuzzer reaches
//      the checks behind the signature, which forged text never does.
// The fixed JWK Set holds two Ed25519 keys: `signing` (use sig) and `encrypting` (use enc, which
// a verifier must not use). Today is 2026-07-01.
//
// Findings (fatalError): a trap; anything accepted that does not re-encode consistently (JWS
// segments are canonical base64url; a JWK Set's document parses back to the same set; a status
// list's encodedList decodes to the same bits; JSON re-encodes to a fixed point; a credential
// read back from the payload written for what it states is the same); a JWS accepted that does
// not verify with the one usable key; a verifier status other than `invalid` for a certificate
// whose signature does not verify against the fixed keys or that cannot be read; and, for
// payloads signed here, a status the certificate and its lists contradict.

@testable import Certificates
import CanonicalJSON
import HexEncoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCertificate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    if let violation = CertificateProperties.check(input) { fatalError(violation) }
    return 0
}

/// The properties, as a function from an input to the first violation (nil: none). The replay
/// test in Tests/CertificatesTests writes the same rules again on purpose.
enum CertificateProperties {
    static let signing = try! CertificateSigningKey(rawRepresentation: (0..<32).map { UInt8($0) &* 7 &+ 1 })
    static let encrypting = try! CertificateSigningKey(rawRepresentation: (0..<32).map { UInt8($0) &* 13 &+ 5 })
    static let outsider = try! CertificateSigningKey(rawRepresentation: (0..<32).map { UInt8($0) &* 17 &+ 3 })
    static let keySet: JWKSet = {
        guard case .object(var members) = encrypting.publicJWK else { fatalError("a JWK is an object") }
        members["use"] = "enc"
        return JWKSet(keys: [signing.publicJWK, .object(members)])
    }()
    static let today = "2026-07-01"
    static let todayDate = CalendarDate(today)!

    static func check(_ input: [UInt8]) -> String? {
        guard let selector = input.first else { return nil }
        let body = Array(input.dropFirst())
        switch selector % 7 {
        case 0: return checkJWS(String(decoding: body, as: UTF8.self))
        case 1: return checkKeySet(String(decoding: body, as: UTF8.self))
        case 2: return checkStatusList(String(decoding: body, as: UTF8.self))
        case 3: return checkStatusList("u" + Base64URL.encode(body))
        case 4: return checkJSON(body)
        case 5: return checkVerifier(lines(body).map { String(decoding: $0, as: UTF8.self) })
        default: return checkSigned(lines(body), signer: Int(selector / 7) % 3)
        }
    }

    static func lines(_ body: [UInt8]) -> [[UInt8]] {
        Array(body.split(separator: 0x0A, omittingEmptySubsequences: false).prefix(5).map(Array.init))
    }

    // MARK: 0 JWS

    static func checkJWS(_ text: String) -> String? {
        if let verified = try? JWS.verify(text, keys: keySet) {
            guard let direct = try? JWS.verify(text, publicKey: signing.publicKey) else {
                return "a JWS the set accepts does not verify with its one usable key: \(text)"
            }
            guard direct.header == verified.header, (try? JSONReader.parse(direct.payload)) == verified.payload else {
                return "the two ways of verifying \(text) disagree"
            }
            guard verified.header["kid"] == .string(signing.kid), verified.header["crit"] == nil,
                  case .string(let algorithm)? = verified.header["alg"], JWS.acceptedAlgorithms.contains(algorithm) else {
                return "accepted a JWS whose header should be refused: \(verified.header.encoded(pretty: false))"
            }
        }
        if (try? JWS.verify(text, publicKey: signing.publicKey)) != nil {
            let segments = text.split(separator: ".", omittingEmptySubsequences: false)
            guard segments.count == 3, segments.allSatisfy({ segment in
                Base64URL.decode(segment).map { Base64URL.encode($0) == segment } ?? false
            }) else { return "accepted a JWS that is not three canonical base64url segments: \(text)" }
            if (try? JWS.verify(text, publicKey: encrypting.publicKey)) != nil {
                return "one signature verified with two keys: \(text)"
            }
        }
        return nil
    }

    // MARK: 1 JWK Set

    static func checkKeySet(_ text: String) -> String? {
        guard let set = try? JWKSet(parsing: text) else { return nil }
        for pretty in [true, false] {
            let document = set.document.encoded(pretty: pretty)
            guard let again = try? JWKSet(parsing: document) else { return "the document of an accepted key set is refused: \(document)" }
            // Whole doubles print as integers (the canonical encoding), so compare the documents.
            guard again.document.encoded() == set.document.encoded(), (try? JWKSet(parsing: again.document.encoded())) == again else {
                return "a key set's document parses to another set: \(text) vs \(again.document.encoded())"
            }
        }
        var usable = 0
        for key in set.keys {
            for secret in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] where key[secret] != nil {
                return "accepted a key set holding private key material (\(secret)): \(text)"
            }
            let kid: String?
            if case .string(let named)? = key["kid"] { kid = named } else { kid = try? JWK.thumbprint(of: key) }
            if let kid, let publicKey = set.publicKey(kid: kid) {
                guard publicKey.count == 32 else { return "a key of \(publicKey.count) bytes under kid \(kid)" }
                usable += 1
            }
        }
        return usable > 0 ? nil : "accepted a key set in which no kid names a usable key: \(text)"
    }

    // MARK: 2, 3 status lists

    static func checkStatusList(_ text: String) -> String? {
        guard let list = try? StatusList(encodedList: text) else { return nil }
        guard list.length % 8 == 0, list.length >= StatusList.minimumLength, list.length <= StatusList.maximumLength else {
            return "accepted a status list of \(list.length) bits"
        }
        let encoded = list.encodedList
        guard let again = try? StatusList(encodedList: encoded) else { return "a status list's own encodedList is refused" }
        return again == list ? nil : "a status list's encodedList decodes to other bits"
    }

    // MARK: 4 JSON and credentials

    static func checkJSON(_ bytes: [UInt8]) -> String? {
        guard let value = try? JSONReader.parse(bytes) else { return nil }
        for pretty in [true, false] {
            let text = value.encoded(pretty: pretty)
            guard let again = try? JSONReader.parse(text) else { return "the reader refuses the encoding of what it read: \(text)" }
            guard again.encoded(pretty: pretty) == text else { return "JSON re-encodes differently: \(text)" }
        }
        if let data = try? CertificateCredential.data(from: value) {
            let payload = CertificateCredential.payload(for: data, statusListURL: "https://certification.example/status/1")
            guard let again = try? CertificateCredential.data(from: payload), again == data else {
                return "a certificate read back from its own payload differs: \(value.encoded(pretty: false))"
            }
        }
        if let contents = try? StatusListCredential.contents(of: value) {
            guard contents.list.length >= StatusList.minimumLength else { return "a status list credential of \(contents.list.length) bits" }
            let suffix = "#" + contents.purpose
            if contents.id.hasSuffix(suffix) {
                let payload = StatusListCredential.payload(
                    contents.list, purpose: contents.purpose, url: String(contents.id.dropLast(suffix.count)),
                    issuerID: contents.issuerID, issuerName: "x", validFrom: contents.validFrom ?? "2026-01-01",
                    supersededBy: contents.supersededBy)
                guard let again = try? StatusListCredential.contents(of: payload), again.id == contents.id,
                      again.purpose == contents.purpose, again.issuerID == contents.issuerID, again.list == contents.list,
                      again.supersededBy == contents.supersededBy else {
                    return "a status list credential read back from its own payload differs: \(value.encoded(pretty: false))"
                }
            }
        }
        return nil
    }

    // MARK: 5, 6 the verifier

    /// Certificate and status lists as given: only what verifies with the usable key counts.
    static func checkVerifier(_ texts: [String]) -> String? {
        guard let certificate = texts.first else { return nil }
        let lists = Array(texts.dropFirst())
        let result = CertificateVerifier.check(certificate: certificate, keys: keySet, statusLists: lists, today: today)
        guard result.status != .invalid else { return nil }
        guard let verified = try? JWS.verify(trimmed(certificate), publicKey: signing.publicKey),
              let payload = try? JSONReader.parse(verified.payload), (try? CertificateCredential.data(from: payload)) != nil else {
            return "\(result.status) for a certificate that does not verify with the fixed keys or cannot be read: \(certificate)"
        }
        if result.status == .withdrawn || result.status == .suspended,
           !lists.contains(where: { (try? JWS.verify(trimmed($0), publicKey: signing.publicKey)) != nil }) {
            return "\(result.status) without a status list signed by the fixed keys"
        }
        return nil
    }

    /// Payloads signed here: the status must be what the certificate and its lists say.
    static func checkSigned(_ payloads: [[UInt8]], signer: Int) -> String? {
        guard let certificatePayload = payloads.first else { return nil }
        let key = [signing, encrypting, outsider][signer]
        let certificate = sign(certificatePayload, with: key)
        let lists = payloads.dropFirst().map { sign($0, with: signing) }
        let result = CertificateVerifier.check(certificate: certificate, keys: keySet, statusLists: lists, today: today)
        let what = "\(result.status) (\(result.reason ?? "")) for \(String(decoding: certificatePayload, as: UTF8.self))"
        guard signer == 0 else { return result.status == .invalid ? nil : "\(what), signed by a key the set does not let verify" }
        guard let value = try? JSONReader.parse(certificatePayload), let read = try? CertificateCredential.read(value) else {
            return result.status == .invalid ? nil : "\(what): the payload is not a certificate"
        }
        let issued = CalendarDate(read.data.issueDate)!
        let expiry = CalendarDate(read.data.expiryDate)!
        guard todayDate >= issued else { return result.status == .invalid ? nil : "\(what): issued after today" }

        // The lists that count for each purpose: signed, this issuer's, named by the certificate's
        // entry for the purpose, not past validUntil, long enough.
        var usable: [String: [Bool]] = [:]
        var stale: Set<String> = []
        var staleRevoked = false
        for payload in payloads.dropFirst() {
            guard let value = try? JSONReader.parse(payload), let contents = try? StatusListCredential.contents(of: value),
                  contents.issuerID == read.data.issuerID,
                  let entry = read.status.first(where: { $0.purpose == contents.purpose && $0.listCredential == contents.id }) else { continue }
            if let end = contents.validUntil, let endDay = CalendarDate(String(end.prefix(10))), endDay < todayDate {
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
            expected = [expiry < todayDate ? .expired : .active]
        } else {
            // Lists of one purpose that disagree: the newest (validFrom) decides.
            expected = [.withdrawn, .suspended, expiry < todayDate ? .expired : .active]
        }
        return expected.contains(result.status) ? nil : "\(what): expected one of \(expected)"
    }

    static func sign(_ payload: [UInt8], with key: CertificateSigningKey) -> String {
        let header: JSONValue = ["alg": "Ed25519", "kid": .string(key.kid), "typ": "vc+jwt"]
        return JWS.sign(protectedHeader: Array(header.encoded(pretty: false).utf8), payload: payload, with: key)
    }

    /// Without whitespace at either end, as the verifier trims a file or a paste.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
