import CanonicalJSON
import Crypto
import Foundation
import WireProtocol
import XCTest

@testable import AuditDomain

/// `protocol/catalog.json` is the catalog compiled into this program, published for third-party
/// clients (`protocol/schema.md` §7): no message carries the catalog, so a client needs the file.
/// These tests fail when the committed file is not exactly what the code's catalog produces, and
/// when the catalog changed without a new protocol version.
///
/// To regenerate the file after a deliberate change to the catalog:
///
///     AUDITSYNC_WRITE_CATALOG=1 swift test --skip-build --filter CatalogFileTests
final class CatalogFileTests: XCTestCase {
    /// SHA-256 of `protocol/catalog.json` for each protocol version. A published version's catalog
    /// never changes: checklist item keys, exclusions and the titles the canonical audit document
    /// prints all come from it. A change to the catalog is a new protocol version, with its digest
    /// added here.
    static let publishedDigests: [UInt16: String] = [
        1: "04d366c4a068cdd4f4a807cc546dc5eff0bb47d0f5f768e0ea3b0bdb3d41bef7",
        // The same items; the file names its protocol version.
        2: "6ba6984d555795d012d130e86c229687d8666370e84d58de557c7197dc370021",
    ]

    func testCommittedCatalogFileIsTheCodesCatalog() throws {
        let url = try Self.locateCatalogFile()
        let expected = Self.catalogFileText()
        if ProcessInfo.processInfo.environment["AUDITSYNC_WRITE_CATALOG"] == "1" {
            try expected.write(to: url, atomically: true, encoding: .utf8)
            print("wrote \(url.path) (sha256 \(Self.sha256(expected)))")
            return
        }
        let committed = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        guard committed != expected else { return }
        let committedLines = committed.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(committedLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(committedLines.count, expectedLines.count)
        XCTFail("""
            \(url.path) is not the catalog compiled into the code (first difference at line \(first + 1): \
            file \(first < committedLines.count ? "`\(committedLines[first])`" : "ends"), \
            code \(first < expectedLines.count ? "`\(expectedLines[first])`" : "ends")). \
            Regenerate it: AUDITSYNC_WRITE_CATALOG=1 swift test --skip-build --filter CatalogFileTests
            """)
    }

    func testCatalogIsTheOnePublishedForThisProtocolVersion() {
        let version = ProtocolVersion.current
        let digest = Self.sha256(Self.catalogFileText())
        XCTAssertEqual(digest, Self.publishedDigests[version], """
            the catalog differs from the one protocol version \(version) was published with. The catalog is part \
            of the protocol (protocol/schema.md §7): changing it needs a new protocol version. Bump \
            ProtocolVersion.current, regenerate protocol/catalog.json (AUDITSYNC_WRITE_CATALOG=1), and add \
            \(digest) for the new version to CatalogFileTests.publishedDigests
            """)
    }

    func testFileNamesTheProtocolVersionAndEveryStandard() throws {
        let document = Self.catalogDocument()
        XCTAssertEqual(document["protocol_version"], .int(Int(ProtocolVersion.current)))
        XCTAssertEqual(document["standards"]?.elements?.count, Catalog.standards.count)
    }

    // MARK: - The file

    /// The catalog as `protocol/schema.md` §7 describes it: every standard in catalog order, every
    /// item in document order, with the flags a client needs to build a checklist and check a result.
    static func catalogDocument() -> JSONValue {
        let standards: [JSONValue] = Catalog.standards.map { standard in
            let auditable = Set(standard.auditableItems.map(\.number))
            let items: [JSONValue] = standard.items.map { item in
                [
                    "number": .string(item.number),
                    "title": .string(item.title),
                    "kind": .string(item.kind.rawValue),
                    "auditable": .bool(auditable.contains(item.number)),
                    "excludable": .bool(item.excludable),
                ]
            }
            return [
                "id": .string(standard.id.rawValue),
                "designation": .string(standard.designation),
                "title": .string(standard.title),
                "certifiable": .bool(standard.certifiable),
                "items": .array(items),
            ]
        }
        return [
            "format": 1,
            "protocol_version": .int(Int(ProtocolVersion.current)),
            "standards": .array(standards),
        ]
    }

    static func catalogFileText() -> String {
        catalogDocument().encoded(pretty: true) + "\n"
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// `protocol/catalog.json` two levels above this file (or in any directory above it);
    /// `AUDITSYNC_CATALOG_JSON` overrides.
    static func locateCatalogFile(filePath: String = #filePath) throws -> URL {
        if let override = ProcessInfo.processInfo.environment["AUDITSYNC_CATALOG_JSON"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let file = URL(fileURLWithPath: filePath).resolvingSymlinksInPath()
        var directory = file.deletingLastPathComponent()
        while directory.path != "/" && !directory.path.isEmpty {
            let protocolFolder = directory.appendingPathComponent("protocol")
            if FileManager.default.fileExists(atPath: protocolFolder.appendingPathComponent("wire.md").path) {
                return protocolFolder.appendingPathComponent("catalog.json")
            }
            directory = directory.deletingLastPathComponent()
        }
        throw XCTSkip("protocol/ not found above \(filePath); set AUDITSYNC_CATALOG_JSON")
    }
}
