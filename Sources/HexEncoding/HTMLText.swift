/// Text as HTML that shows exactly it, in element content and in quoted attribute values: the one
/// escaping every HTML page AuditSync writes (audit reports, printable certificates) goes through.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// One self-contained page: inline style, nothing fetched and no script (its
    /// Content-Security-Policy forbids both). `title` is text (escaped here); `main` is markup
    /// ending with a line break.
    public static func page(title: String, style: String, main: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        <main>
        \(main)</main>
        </body>
        </html>

        """
    }
}
