import CanonicalJSON

/// A signed snapshot of one status list (W3C Bitstring Status List v1.0): a Verifiable Credential
/// of type `BitstringStatusListCredential` whose id is what certificates' status entries name
/// (`statusListCredential`). The central publishes one per purpose, signed with the certificate
/// key as `vc+jwt`, and field nodes receive them on sync, so a certificate's status can be
/// checked offline.
public enum StatusListCredential {
    public static let credentialType = "BitstringStatusListCredential"

    /// A BitstringStatusListCredential payload for one purpose (`suspension` or `revocation`),
    /// id `"\(url)#\(purpose)"`. `validFrom` is an XML Schema dateTime (`2026-11-29T05:07:27.123Z`)
    /// or a date (`2026-11-29`, meaning its first moment, UTC): when this snapshot was taken.
    ///
    /// A supersession list also says, for each superseded revision's index, which revision of the
    /// certificate replaced it (`supersededBy`), so a verifier can name the current one.
    /// `validUntil`, when given, is when a verifier stops trusting this snapshot (SPEC §6).
    public static func payload(_ list: StatusList, purpose: String, url: String, issuerID: String, issuerName: String,
                               validFrom: String, validUntil: String? = nil, supersededBy: [Int: String] = [:]) -> JSONValue {
        var subject: JSONValue = [
            "type": "BitstringStatusList",
            "statusPurpose": .string(purpose),
            "encodedList": .string(list.encodedList),
        ]
        if !supersededBy.isEmpty, case .object(var members) = subject {
            members["supersededBy"] = .object(Dictionary(uniqueKeysWithValues: supersededBy.map { (String($0.key), JSONValue.string($0.value)) }))
            subject = .object(members)
        }
        var credential: JSONValue = [
            "@context": [.string(CertificateCredential.context)],
            "id": .string("\(url)#\(purpose)"),
            "type": ["VerifiableCredential", .string(credentialType)],
            "issuer": ["id": .string(issuerID), "name": .string(issuerName)],
            "validFrom": .string(CalendarDate(validFrom)?.startOfDay ?? validFrom),
            "credentialSubject": subject,
        ]
        if let validUntil, case .object(var members) = credential {
            members["validUntil"] = .string(CalendarDate(validUntil)?.endOfDay ?? validUntil)
            credential = .object(members)
        }
        return credential
    }

    /// What a status list credential says.
    public struct Contents: Equatable, Sendable {
        /// The credential's id: what a certificate's `statusListCredential` names.
        public let id: String
        public let purpose: String
        public let issuerID: String
        /// When the snapshot was taken, as the credential states it (nil if it does not).
        public let validFrom: String?
        /// After this the snapshot should not be relied on (nil if the credential sets no end).
        public let validUntil: String?
        public let list: StatusList
        /// For a supersession list: the revision that replaced the one at each index, in words.
        public var supersededBy: [Int: String] = [:]
    }

    /// Reads a status list credential's payload (after its signature was verified), refusing
    /// with a reason anything that is not one.
    public static func contents(of payload: JSONValue) throws -> Contents {
        guard case .object = payload else { throw CertificateError("the status list credential is not a JSON object") }
        try CertificateCredential.requireCredential(payload, type: credentialType, what: "a status list")
        let issuerID: String
        switch payload["issuer"] {
        case .string(let id)?: issuerID = id
        case let issuer? where issuer["id"] != nil: issuerID = try Field.string(issuer, "id", in: "the status list's issuer")
        default: throw CertificateError("the status list credential names no issuer")
        }
        let subject = try Field.object(payload, "credentialSubject", in: "the status list credential")
        guard try Field.string(subject, "type", in: "the status list") == "BitstringStatusList" else {
            throw CertificateError("the status list's subject is not a BitstringStatusList")
        }
        if let size = subject["statusSize"], size != .int(1) {
            throw CertificateError("the status list has entries of more than one bit (statusSize), which AuditSync never publishes")
        }
        let list = try StatusList(encodedList: try Field.string(subject, "encodedList", in: "the status list"))
        func optionalString(_ name: String) throws -> String? {
            guard let value = payload[name] else { return nil }
            guard case .string(let text) = value else { throw CertificateError("the status list credential's \(name) is not text") }
            return text
        }
        var supersededBy: [Int: String] = [:]
        if let member = subject["supersededBy"] {
            guard case .object(let entries) = member else { throw CertificateError("the status list's supersededBy is not an object") }
            for (index, value) in entries {
                guard let position = CertificateCredential.decimal(index), case .string(let current) = value else {
                    throw CertificateError("the status list's supersededBy entry \(index) is not an index naming a revision")
                }
                supersededBy[position] = current
            }
        }
        return Contents(
            id: try Field.string(payload, "id", in: "the status list credential"),
            purpose: try Field.string(subject, "statusPurpose", in: "the status list"),
            issuerID: issuerID,
            validFrom: try optionalString("validFrom"),
            validUntil: try optionalString("validUntil"),
            list: list, supersededBy: supersededBy)
    }
}
