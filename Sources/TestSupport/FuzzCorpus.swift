import Foundation

/// The fuzzers' committed inputs (`fuzz/corpus/TARGET`, `fuzz/crashers/TARGET`), for the tests
/// that replay them in the ordinary suite.
public enum FuzzCorpus {
    /// The repository's root, found from this file's own place in it.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every input file of `fuzz/<folder>` (hidden files such as `.keep` left out), in name order.
    public static func inputs(_ folder: String) throws -> [URL] {
        let directory = repositoryRoot.appendingPathComponent("fuzz").appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.path < $1.path }
    }
}
