import AuditDocumentFormat
import CanonicalJSON

/// The formats of `central report` and `field report`: each a pure function of the audit
/// document and the report's context (what the node making it knows of the body, the people and
/// the decision), so nodes that converged and know the same write byte-identical reports.
public enum ReportFormat: String, CaseIterable, Sendable {
    /// One self-contained, printable HTML5 page.
    case html
    /// GitHub-flavoured Markdown.
    case markdown
    /// The canonical document, with the context under `report`.
    case json

    /// The report's text, ending with a newline.
    public func render(_ document: AuditDocument, context: ReportContext = ReportContext()) -> String {
        switch self {
        case .html: HTMLReport.render(document, context: context)
        case .markdown: MarkdownReport.render(document, context: context)
        case .json: JSONReport.render(document, context: context)
        }
    }

    public func render(_ document: JSONValue, context: ReportContext = ReportContext()) -> String {
        render(AuditDocument(json: document), context: context)
    }
}
