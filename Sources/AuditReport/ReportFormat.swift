import CanonicalJSON

/// The formats of `central report` and `field report`: each a pure function of the canonical
/// audit document, so replicas that converged write byte-identical reports.
public enum ReportFormat: String, CaseIterable, Sendable {
    /// One self-contained, printable HTML5 page.
    case html
    /// GitHub-flavoured Markdown.
    case markdown
    /// The canonical document itself, as `audit show --json` prints it.
    case json

    /// The report's text, ending with a newline.
    public func render(_ document: JSONValue) -> String {
        switch self {
        case .html: HTMLReport.render(document)
        case .markdown: MarkdownReport.render(document)
        case .json: document.encoded(pretty: true) + "\n"
        }
    }
}
