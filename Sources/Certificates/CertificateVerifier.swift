import CanonicalJSON

/// What a certificate's holder or a client's customer sees when checking it (SPEC §2, §6).
public enum CertificateStatus: String, Sendable {
    case active, suspended, withdrawn, expired, superseded, invalid
}

/// Checks a signed certificate completely offline, from the issuer's JWK Set and, optionally, its
/// signed status list credentials.
public enum CertificateVerifier {
    /// The status of a signed certificate for someone holding the issuer's JWK Set and, optionally,
    /// the signed status list credentials (compact JWS each). `today` is YYYY-MM-DD (UTC).
    ///
    /// - `invalid` (with why) for anything that does not verify or parse, and for a certificate
    ///   dated after `today`;
    /// - `withdrawn` if its revocation bit is set;
    /// - `superseded` if its supersession bit is set (a later revision replaced it), naming the
    ///   revision that did when the list says;
    /// - `suspended` if its suspension bit is set;
    /// - `expired` after its expiry date;
    /// - else `active`.
    ///
    /// A status list counts only if it verifies with the same key set, comes from the
    /// certificate's issuer, is the list the certificate's entry names for that purpose, has the
    /// certificate's bit, and has not passed its own `validUntil`; of several, the newest
    /// (`validFrom`) counts. Without a usable list for a purpose, the status is from the signature,
    /// the dates and the other list, and the reason says what could not be checked (so an `active`
    /// result has a reason exactly when it is not the whole answer). Every other status has a
    /// reason in words for the person checking.
    public static func check(certificate: String, keys: JWKSet, statusLists: [String], today: String) -> (status: CertificateStatus, reason: String?) {
        guard let day = CalendarDate(today) else { return (.invalid, "today's date \(today) is not a date (YYYY-MM-DD)") }
        let payload: JSONValue
        do {
            let verified = try JWS.verify(trimmed(certificate), keys: keys)
            guard isCredentialType(verified.header["typ"]) else {
                return (.invalid, "the signed document is not a verifiable credential (its typ is not \(CertificateCredential.jwsType))")
            }
            payload = verified.payload
        } catch {
            return (.invalid, "the certificate does not verify: \(error)")
        }
        let certificate: (data: CertificateData, status: [CertificateCredential.StatusEntry])
        do {
            certificate = try CertificateCredential.read(payload)
        } catch {
            return (.invalid, "the certificate is signed but cannot be read: \(error)")
        }
        let data = certificate.data
        if let issued = CalendarDate(data.issueDate), day < issued {
            return (.invalid, "the certificate is dated \(data.issueDate), after today (\(today)); check this computer's date")
        }

        var bits: [String: Bool] = [:]
        var problems: [String] = []
        var newest: [String: String] = [:]
        var successor: String?
        var stale: [String: String] = [:]
        var staleRevocation: String?
        for text in statusLists {
            let contents: StatusListCredential.Contents
            do {
                let verified = try JWS.verify(trimmed(text), keys: keys)
                guard isCredentialType(verified.header["typ"]) else {
                    problems.append("a status list is not a verifiable credential (typ)")
                    continue
                }
                contents = try StatusListCredential.contents(of: verified.payload)
            } catch {
                problems.append("a status list was not used: \(error)")
                continue
            }
            guard contents.issuerID == data.issuerID,
                let entry = certificate.status.first(where: { $0.purpose == contents.purpose && $0.listCredential == contents.id })
                    ?? supersessionEntry(for: certificate.status, list: contents)
            else { continue }  // another issuer's or another list's snapshot: not about this certificate
            if let end = contents.validUntil, let endDay = CalendarDate(String(end.prefix(10))), endDay < day {
                problems.append("the \(contents.purpose) status list expired on \(end)")
                // A withdrawal is for good: a stale list that says so still says the truth.
                if contents.purpose == "revocation", entry.index < contents.list.length, contents.list[entry.index] {
                    staleRevocation = end
                }
                // Stale lists of the certificate's own entries decide below; a supersession list
                // covering an older certificate (no entry of its own) is only not used.
                if certificate.status.contains(where: { $0.purpose == contents.purpose }) { stale[contents.purpose] = end }
                continue
            }
            guard entry.index < contents.list.length else {
                problems.append("the \(contents.purpose) status list (\(contents.list.length) bits) does not reach the certificate's index \(entry.index)")
                continue
            }
            let taken = contents.validFrom ?? ""
            if let previous = newest[contents.purpose], previous > taken { continue }
            newest[contents.purpose] = taken
            bits[contents.purpose] = contents.list[entry.index]
            if contents.purpose == CertificateCredential.supersessionPurpose { successor = contents.supersededBy[entry.index] }
        }

        func snapshot(_ purpose: String) -> String {
            newest[purpose].map { $0.isEmpty ? "" : " of \($0)" } ?? ""
        }
        if bits["revocation"] == true {
            return (.withdrawn, "the certification body has withdrawn the certificate (revocation status list\(snapshot("revocation")))")
        }
        if let end = staleRevocation, bits["revocation"] == nil {
            return (.withdrawn, "the certification body has withdrawn the certificate (a revocation status list valid until \(end))")
        }
        // A stale list is refused, not trusted (SPEC §6): without a current one the status is not known.
        if let (purpose, end) = stale.sorted(by: { $0.key < $1.key }).first(where: { bits[$0.key] == nil }) {
            return (.invalid, "the \(purpose) status list given was valid until \(end) and is stale: the status cannot be trusted; "
                + "get the current status lists from the certification body (`auditsync central status-list export`, or sync a laptop)")
        }
        if bits[CertificateCredential.supersessionPurpose] == true {
            return (.superseded, "revision \(data.revision) of \(data.number) was replaced by "
                + (successor ?? "a later revision") + " and is no longer valid; check the current revision")
        }
        // A revision issued with a supersession entry is checked against that list too.
        let purposes = CertificateCredential.statusPurposes.reversed()
            + certificate.status.map(\.purpose).filter { $0 == CertificateCredential.supersessionPurpose }
        let unchecked = purposes.filter { bits[$0] == nil }
        var note: String?
        if !unchecked.isEmpty {
            let words = unchecked.map { $0 == "revocation" ? "withdrawal" : $0 }
            let what = words.count > 1 ? words.dropLast().joined(separator: ", ") + " and " + words.last! : words.joined()
            note = "\(what) could not be checked: "
                + (problems.isEmpty ? "no status list for it was given (the central's signed status lists, `auditsync central status-list export`)"
                    : problems.joined(separator: "; "))
        }
        if bits["suspension"] == true {
            return (.suspended, "the certification body has suspended the certificate (suspension status list\(snapshot("suspension")))"
                + (note.map { "; \($0)" } ?? ""))
        }
        if let expiry = CalendarDate(data.expiryDate), expiry < day {
            return (.expired, "the certificate expired on \(data.expiryDate)" + (note.map { "; \($0)" } ?? ""))
        }
        return (.active, note)
    }

    /// A certificate issued before revisions superseded each other has no supersession entry; its
    /// issuer's supersession list, published beside the revocation list it names, still covers it.
    private static func supersessionEntry(for entries: [CertificateCredential.StatusEntry],
                                          list: StatusListCredential.Contents) -> CertificateCredential.StatusEntry? {
        guard list.purpose == CertificateCredential.supersessionPurpose,
              !entries.contains(where: { $0.purpose == list.purpose }),
              let revocation = entries.first(where: { $0.purpose == "revocation" }),
              revocation.listCredential.hasSuffix("#revocation"),
              list.id == revocation.listCredential.dropLast("revocation".count) + list.purpose
        else { return nil }
        return .init(purpose: list.purpose, listCredential: list.id, index: revocation.index)
    }

    private static func isCredentialType(_ type: JSONValue?) -> Bool {
        // RFC 7515 §4.1.9: media type names compare case-insensitively, `application/` may be left out.
        guard case .string(let text)? = type else { return false }
        let lowered = text.lowercased()
        return lowered == CertificateCredential.jwsType || lowered == "application/" + CertificateCredential.jwsType
    }

    /// Without the spaces and line breaks a file or a paste adds at either end.
    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
