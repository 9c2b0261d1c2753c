import XCTest

@testable import CentralNode

final class TarHeaderTests: XCTestCase {
    private func text(_ header: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: header[range].prefix { $0 != 0 }, as: UTF8.self)
    }

    func testFieldsAndChecksumAreWhereUstarPutsThem() throws {
        let header = try TarHeader.encode(name: "keys/noise-static.key", kind: .file, size: 65, mode: 0o600, modified: 1_764_400_000)
        XCTAssertEqual(header.count, 512)
        XCTAssertEqual(text(header, 0..<100), "keys/noise-static.key")
        XCTAssertEqual(text(header, 100..<108), "0000600")
        XCTAssertEqual(text(header, 124..<136), "00000000101")
        XCTAssertEqual(Int(text(header, 136..<148), radix: 8), 1_764_400_000)
        XCTAssertEqual(header[156], UInt8(ascii: "0"))
        XCTAssertEqual(text(header, 257..<263), "ustar")
        // The checksum: every byte summed, its own field counted as eight spaces.
        var blanked = header
        blanked.replaceSubrange(148..<156, with: [UInt8](repeating: 0x20, count: 8))
        XCTAssertEqual(Int(text(header, 148..<155), radix: 8), blanked.reduce(0) { $0 + Int($1) })
        XCTAssertEqual(TarHeader.padding(after: 65).count, 447)
        XCTAssertEqual(TarHeader.padding(after: 512).count, 0)
    }

    func testDirectoriesEndWithASlashAndLongPathsUseThePrefix() throws {
        let directory = try TarHeader.encode(name: "blobs/sha256", kind: .directory, size: 0, mode: 0o700, modified: 0)
        XCTAssertEqual(text(directory, 0..<100), "blobs/sha256/")
        XCTAssertEqual(directory[156], UInt8(ascii: "5"))

        let folder = String(repeating: "d", count: 120)
        let long = try TarHeader.encode(name: "\(folder)/file", kind: .file, size: 1, mode: 0o600, modified: 0)
        XCTAssertEqual(text(long, 345..<500), folder)
        XCTAssertEqual(text(long, 0..<100), "file")
        XCTAssertThrowsError(try TarHeader.encode(name: String(repeating: "x", count: 101), kind: .file, size: 1, mode: 0o600, modified: 0))
        XCTAssertThrowsError(try TarHeader.encode(name: "big", kind: .file, size: TarHeader.maxSize + 1, mode: 0o600, modified: 0))
    }
}
