import HexEncoding

/// The printable certificate: one self-contained HTML5 page, styled inline, with no script and
/// nothing fetched (its Content-Security-Policy forbids both). Every text from the certificate is
/// escaped; the status's class and wording come from a fixed table, never from the data.
public enum CertificateHTML {
    /// A printable, self-contained HTML5 page showing every field and the certificate number
    /// prominently, with a line on how to verify it (`auditsync verify`).
    public static func render(_ data: CertificateData, status: CertificateStatus) -> String {
        let standards = data.standards.map { standard in
            "<li><span class=\"code\">\(escape(standard.id))</span> — \(escape(standard.title))</li>"
        }.joined(separator: "\n")
        let sites = data.sites.map { "<li>\(escape($0))</li>" }.joined(separator: "\n")
        let facts: [(String, String)] = [
            ("Certificate number", "<span class=\"code\">\(escape(data.number))</span>"),
            ("Status", "<span class=\"status s-\(status.rawValue)\">\(wording(status))</span>"),
            ("Organisation", escape(data.clientName)),
            ("Sites", data.sites.isEmpty ? "—" : "<ul>\n\(sites)\n</ul>"),
            ("Scope", escape(data.scope)),
            ("Standards", data.standards.isEmpty ? "—" : "<ul>\n\(standards)\n</ul>"),
            ("Original issue date", escape(data.originalIssueDate)),
            ("Issue date (decision)", escape(data.issueDate)),
            ("Expiry date", escape(data.expiryDate)),
            ("Revision", String(data.revision)),
            ("Audit", "<span class=\"code\">\(escape(data.audit))</span>"),
            ("Certification body", escape(data.issuerName)),
            ("Issuer identifier", "<span class=\"code\">\(escape(data.issuerID))</span>"),
            ("Status list index", String(data.statusIndex)),
        ]
        let rows = facts.map { "<dt>\($0.0)</dt>\n<dd>\($0.1)</dd>" }.joined(separator: "\n")
        let standardNames = data.standards.map(\.id).joined(separator: ", ")
        let main = """
            <header>
            <p class="issuer">\(escape(data.issuerName))</p>
            <h1>Certificate</h1>
            <p class="number">\(escape(data.number))</p>
            </header>
            <p class="statement">\(escape(data.issuerName)) certifies that the management system of
            <strong>\(escape(data.clientName))</strong> conforms to \(escape(standardNames.isEmpty ? "the standards below" : standardNames))
            for the scope stated below.</p>
            <dl class="facts">
            \(rows)
            </dl>
            <footer>
            <p>This page is a rendering, not the certificate itself: the certificate is the signed credential
            (a W3C Verifiable Credential, compact JWS) that the certification body issued.</p>
            <p>To verify it: <code>auditsync verify CERTIFICATE.jws --keys KEYS.jwks --status-list STATUS.jws</code>
            with the certification body's published key set and its current status lists; anyone can check the
            signature with any JOSE library and the key set.</p>
            </footer>

            """
        return HTMLText.page(title: "Certificate \(data.number) — \(data.clientName)", style: style, main: main)
    }

    /// Text safe in HTML content and attribute values.
    public static func escape(_ text: String) -> String { HTMLText.escape(text) }

    private static func wording(_ status: CertificateStatus) -> String {
        switch status {
        case .active: "Active"
        case .suspended: "Suspended"
        case .withdrawn: "Withdrawn"
        case .expired: "Expired"
        case .superseded: "Superseded — replaced by a later revision"
        case .invalid: "Invalid — do not rely on this certificate"
        }
    }

    private static let style = """
        :root { color-scheme: light; }
        body { margin: 0; background: #fff; color: #1a1a1a;
          font: 11pt/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 48rem; margin: 0 auto; padding: 2.5rem 2rem; border: 3px double #1f3a5f; }
        header { text-align: center; margin-bottom: 1.5rem; }
        .issuer { font-size: 1.1rem; color: #1f3a5f; margin: 0; letter-spacing: .03em; }
        h1 { font-size: 2rem; margin: .25rem 0; letter-spacing: .08em; text-transform: uppercase; }
        .number { font: 700 1.6rem/1.2 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; margin: .25rem 0 0; }
        .statement { font-size: 1.05rem; text-align: center; margin: 0 0 1.5rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.25rem; margin: 0 0 1.5rem; }
        dl.facts dt { font-weight: 600; color: #333; }
        dl.facts dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
        dd ul { margin: 0; padding-left: 1.2rem; white-space: normal; }
        .code, code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
        code { font-size: .9em; background: #eef1f5; padding: 0 .25rem; border-radius: 3px; overflow-wrap: anywhere; }
        .status { font-weight: 700; padding: .05rem .5rem; border-radius: 3px; }
        .s-active { color: #1b5e20; background: #e8f5e9; }
        .s-suspended { color: #8a4b00; background: #fff3e0; }
        .s-withdrawn, .s-invalid { color: #b00020; background: #fdecee; }
        .s-expired { color: #555; background: #eeeeee; }
        footer { border-top: 1px solid #ddd; padding-top: .5rem; color: #555; font-size: .85em; }
        @media print {
          @page { size: A4; margin: 15mm; }
          main { border: 3px double #1f3a5f; padding: 1.5rem; }
          .status { border: 1px solid currentColor; }
        }
        """
}
