import Foundation
import TestSupport
import XCTest

@testable import MergeCore

/// Replays the fuzzer's corpus and every crasher it ever found (`fuzz/`), so that what the
/// fuzzer learned stays tested by the ordinary suite.
final class FuzzCorpusReplayTests: XCTestCase {
    func testEveryMergeRecordCorpusInputIsRefusedOrDecodesCanonically() throws {
        let files = try FuzzCorpus.inputs("corpus/merge-record") + FuzzCorpus.inputs("crashers/merge-record")
        XCTAssertGreaterThan(files.count, 12, "the committed corpus is missing")
        var decoded = 0
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            guard let record = try? MergeRecord(decoding: bytes) else { continue }
            decoded += 1
            XCTAssertEqual(record.encoded(), bytes, "\(file.lastPathComponent) decodes to a record with another encoding")
            XCTAssertNoThrow(try record.validate(), file.lastPathComponent)
        }
        XCTAssertGreaterThan(decoded, 0, "no corpus input decodes: the corpus lost its valid seeds")
    }
}
