import Foundation

/// The test vectors of `protocol/signatures.md`, read from the document itself, so the document
/// and the code cannot drift apart: its table rows `| name | `hex` |`.
enum SignatureVectors {
    static var rows: [String: String] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../protocol/signatures.md").standardized
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [:] }
        var rows: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, cells[1].hasPrefix("`"), cells[1].hasSuffix("`") else { continue }
            rows[cells[0]] = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
        }
        return rows
    }

    static var chainHeads: [String] {
        let rows = rows
        return (0...).prefix { rows["chain head \($0)"] != nil }.map { rows["chain head \($0)"]! }
    }
}
