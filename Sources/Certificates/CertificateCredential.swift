import CanonicalJSON

/// A certificate as a W3C Verifiable Credential (Data Model 2.0), the payload that `JWS.sign`
/// secures as `vc+jwt` (VC-JOSE-COSE: the unsecured credential is the JWS payload itself).
///
///     {"@context": ["https://www.w3.org/ns/credentials/v2"],
///      "type": ["VerifiableCredential", "CertificationCredential"],
///      "issuer": {"id": issuerID, "name": issuerName},
///      "validFrom": "<issueDate>T00:00:00Z", "validUntil": "<expiryDate>T23:59:59Z",
///      "credentialSubject": {every field of CertificateData; standards as [{"id","title"}]},
///      "credentialStatus": [BitstringStatusListEntry "suspension", BitstringStatusListEntry "revocation"]}
///
/// Terms outside the base context (`CertificationCredential`, the subject's fields) fall under the
/// v2 context's issuer-dependent vocabulary, which VC 2.0 allows.
public enum CertificateCredential {
    /// The JWS `typ` of a credential secured with JOSE (VC-JOSE-COSE).
    public static let jwsType = "vc+jwt"
    public static let context = "https://www.w3.org/ns/credentials/v2"
    public static let credentialType = "CertificationCredential"
    /// The status purposes every certificate carries an entry for.
    public static let statusPurposes = ["suspension", "revocation"]
    /// A revision replaced by a later one of the same certificate has its bit set in this list.
    /// Certificates issued before revisions superseded each other have no entry for it.
    public static let supersessionPurpose = "supersession"
    /// Every list the central publishes, in the order of its status list file.
    public static let publishedPurposes = statusPurposes + [supersessionPurpose]

    /// The credential for `data`, its status entries pointing at `statusListURL#suspension` and
    /// `statusListURL#revocation` and `statusListURL#supersession` (the ids of the status list credentials).
    public static func payload(for data: CertificateData, statusListURL: String) -> JSONValue {
        var subject: JSONValue = [
            "number": .string(data.number),
            "issuerName": .string(data.issuerName),
            "issuerID": .string(data.issuerID),
            "clientName": .string(data.clientName),
            "sites": .array(data.sites.map(JSONValue.string)),
            "scope": .string(data.scope),
            "standards": .array(data.standards.map { ["id": .string($0.id), "title": .string($0.title)] }),
            "originalIssueDate": .string(data.originalIssueDate),
            "issueDate": .string(data.issueDate),
            "expiryDate": .string(data.expiryDate),
            "revision": .int(data.revision),
            "audit": .string(data.audit),
            "statusIndex": .int(data.statusIndex),
        ]
        if let digest = data.documentSHA256, case .object(var members) = subject {
            members["auditDocumentSHA256"] = .string(digest)
            subject = .object(members)
        }
        let status = publishedPurposes.map { purpose -> JSONValue in
            [
                "type": "BitstringStatusListEntry",
                "statusPurpose": .string(purpose),
                "statusListIndex": .string(String(data.statusIndex)),
                "statusListCredential": .string("\(statusListURL)#\(purpose)"),
            ]
        }
        return [
            "@context": [.string(context)],
            "type": ["VerifiableCredential", .string(credentialType)],
            "issuer": ["id": .string(data.issuerID), "name": .string(data.issuerName)],
            "validFrom": .string("\(data.issueDate)T00:00:00Z"),
            "validUntil": .string("\(data.expiryDate)T23:59:59Z"),
            "credentialSubject": subject,
            "credentialStatus": .array(status),
        ]
    }

    /// The certificate a credential states. Refuses, with a reason, anything `payload(for:)` would
    /// not have produced from valid data: another kind of credential, a missing or mistyped field,
    /// an impossible date, dates out of order, and an issuer, validity period or status entry that
    /// disagrees with the subject.
    public static func data(from payload: JSONValue) throws -> CertificateData {
        try read(payload).data
    }

    /// A status entry of a certificate: which list (`statusListCredential`, the list credential's
    /// id) holds its bit for `purpose`.
    struct StatusEntry: Equatable {
        let purpose: String
        let listCredential: String
        let index: Int
    }

    static func read(_ payload: JSONValue) throws -> (data: CertificateData, status: [StatusEntry]) {
        guard case .object = payload else { throw CertificateError("the credential is not a JSON object") }
        try requireCredential(payload, type: credentialType, what: "a certification certificate")
        let issuer = try Field.object(payload, "issuer", in: "the credential")
        let subject = try Field.object(payload, "credentialSubject", in: "the credential")
        let standards = try Field.array(subject, "standards", in: "the certificate").enumerated().map { index, standard in
            CertifiedStandard(
                id: try Field.string(standard, "id", in: "standard \(index + 1)"),
                title: try Field.string(standard, "title", in: "standard \(index + 1)"))
        }
        let sites = try Field.array(subject, "sites", in: "the certificate").map { site -> String in
            guard case .string(let text) = site else { throw CertificateError("the certificate's sites are not all text") }
            return text
        }
        let data = CertificateData(
            number: try Field.string(subject, "number", in: "the certificate"),
            issuerName: try Field.string(subject, "issuerName", in: "the certificate"),
            issuerID: try Field.string(subject, "issuerID", in: "the certificate"),
            clientName: try Field.string(subject, "clientName", in: "the certificate"),
            sites: sites,
            scope: try Field.string(subject, "scope", in: "the certificate"),
            standards: standards,
            originalIssueDate: try Field.string(subject, "originalIssueDate", in: "the certificate"),
            issueDate: try Field.string(subject, "issueDate", in: "the certificate"),
            expiryDate: try Field.string(subject, "expiryDate", in: "the certificate"),
            revision: try Field.int(subject, "revision", in: "the certificate"),
            audit: try Field.string(subject, "audit", in: "the certificate"),
            statusIndex: try Field.int(subject, "statusIndex", in: "the certificate"),
            documentSHA256: try Field.optionalString(subject, "auditDocumentSHA256", in: "the certificate"))

        guard !data.number.isEmpty else { throw CertificateError("the certificate has no number") }
        guard data.revision >= 0 else { throw CertificateError("the certificate's revision is negative") }
        guard data.statusIndex >= 0 else { throw CertificateError("the certificate's status index is negative") }
        let dates = try [("original issue", data.originalIssueDate), ("issue", data.issueDate), ("expiry", data.expiryDate)]
            .map { name, text -> CalendarDate in
                guard let date = CalendarDate(text) else { throw CertificateError("the certificate's \(name) date \(text) is not a date (YYYY-MM-DD)") }
                return date
            }
        guard dates[0] <= dates[1], dates[1] <= dates[2] else {
            throw CertificateError("the certificate's dates are out of order (original issue ≤ issue ≤ expiry)")
        }
        guard try Field.string(issuer, "id", in: "the issuer") == data.issuerID,
            try Field.string(issuer, "name", in: "the issuer") == data.issuerName
        else { throw CertificateError("the credential's issuer does not match the certification body the certificate names") }
        guard try Field.string(payload, "validFrom", in: "the credential") == dates[1].startOfDay,
            try Field.string(payload, "validUntil", in: "the credential") == dates[2].endOfDay
        else { throw CertificateError("the credential's validity period does not match the certificate's issue and expiry dates") }

        let status = try statusEntries(payload)
        let purposes = status.map(\.purpose).sorted()
        guard purposes == statusPurposes.sorted() || purposes == publishedPurposes.sorted() else {
            throw CertificateError("the certificate should have one status entry for suspension, one for revocation and one for supersession")
        }
        guard status.allSatisfy({ $0.index == data.statusIndex }) else {
            throw CertificateError("the certificate's status entries do not point at its status index")
        }
        return (data, status)
    }

    private static func statusEntries(_ payload: JSONValue) throws -> [StatusEntry] {
        guard let member = payload["credentialStatus"] else { throw CertificateError("the certificate has no credentialStatus") }
        let entries = member.elements ?? [member]
        return try entries.map { entry in
            guard try Field.string(entry, "type", in: "a status entry") == "BitstringStatusListEntry" else {
                throw CertificateError("the certificate has a status entry of another kind than BitstringStatusListEntry")
            }
            let indexText = try Field.string(entry, "statusListIndex", in: "a status entry")
            guard let index = decimal(indexText) else {
                throw CertificateError("a status entry's statusListIndex \(indexText) is not a base-10 number")
            }
            return StatusEntry(
                purpose: try Field.string(entry, "statusPurpose", in: "a status entry"),
                listCredential: try Field.string(entry, "statusListCredential", in: "a status entry"),
                index: index)
        }
    }

    /// Refuses a payload that is not a VC 2.0 credential of `type`.
    static func requireCredential(_ payload: JSONValue, type: String, what: String) throws {
        guard let contexts = payload["@context"]?.elements, contexts.first == .string(context) else {
            throw CertificateError("this is not a W3C Verifiable Credential 2.0 (its @context does not start with \(context))")
        }
        guard let types = payload["type"]?.elements, types.contains("VerifiableCredential"), types.contains(.string(type)) else {
            throw CertificateError("this credential is not \(what) (its type lacks \(type))")
        }
    }

    /// A non-negative base-10 integer without sign or leading zeros.
    static func decimal(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 18, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            bytes.count == 1 || bytes[0] != UInt8(ascii: "0")
        else { return nil }
        return Int(text)
    }
}

/// Typed reads of a credential's members, each refusal naming the member.
enum Field {
    static func string(_ object: JSONValue, _ name: String, in what: String) throws -> String {
        guard case .string(let value)? = object[name] else { throw missing(name, what, "text") }
        return value
    }

    /// Text, or nil when the member is absent or null.
    static func optionalString(_ object: JSONValue, _ name: String, in what: String) throws -> String? {
        switch object[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw missing(name, what, "text")
        }
    }

    static func int(_ object: JSONValue, _ name: String, in what: String) throws -> Int {
        guard case .int(let value)? = object[name] else { throw missing(name, what, "a whole number") }
        return value
    }

    static func object(_ object: JSONValue, _ name: String, in what: String) throws -> JSONValue {
        guard let value = object[name], case .object = value else { throw missing(name, what, "an object") }
        return value
    }

    static func array(_ object: JSONValue, _ name: String, in what: String) throws -> [JSONValue] {
        guard let elements = object[name]?.elements else { throw missing(name, what, "a list") }
        return elements
    }

    private static func missing(_ name: String, _ what: String, _ kind: String) -> CertificateError {
        CertificateError("\(what) has no \(name) (\(kind))")
    }
}
