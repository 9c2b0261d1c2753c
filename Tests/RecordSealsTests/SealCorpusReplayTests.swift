import Foundation
import MergeCore
import XCTest

@testable import RecordSeals

/// Replays the `seal` fuzz corpus and its crashers (fuzz/targets/Seal/Seal.swift) with the same
/// checks, in the ordinary suite: whatever libFuzzer found stays found.
final class SealCorpusReplayTests: XCTestCase {
    private let key = try! RecordSigningKey(rawRepresentation: (0..<32).map { UInt8($0) &* 11 &+ 3 })

    private func inputs(_ folder: String) throws -> [(String, [UInt8])] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fuzz/\(folder)").standardized
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return [] }
        return try names.sorted().filter { !$0.hasPrefix(".") }.map { ($0, Array(try Data(contentsOf: url.appendingPathComponent($0)))) }
    }

    func testEveryCorpusInputKeepsTheSealProperties() throws {
        let corpus = try inputs("corpus/seal") + inputs("crashers/seal")
        XCTAssertGreaterThanOrEqual(corpus.count, 5, "the seal corpus is committed")
        var decoded = 0
        for (name, input) in corpus {
            guard let selector = input.first else { continue }
            let bytes = Array(input.dropFirst())
            if selector % 2 == 0 {
                guard let seal = try? Seal(decoding: bytes) else { continue }
                decoded += 1
                XCTAssertEqual(seal.encoded(), bytes, "\(name): re-encodes differently")
                XCTAssertThrowsError(try seal.verify(records: [bytes], continuing: RecordChain(node: seal.node, scope: seal.scope),
                                                     publicKey: key.publicKey), name)
            } else {
                let start = RecordChain(node: NodeID(rawValue: 42), scope: "A-2026-0001")
                var chain = start
                chain.append(encoded: bytes)
                let seal = try key.seal(from: start, to: chain)
                XCTAssertEqual(try seal.verify(records: [bytes], continuing: start, publicKey: key.publicKey), chain, name)
                guard !bytes.isEmpty else { continue }
                var flipped = bytes
                flipped[Int(selector) % bytes.count] ^= 1 << (selector % 8)
                XCTAssertThrowsError(try seal.verify(records: [flipped], continuing: start, publicKey: key.publicKey), name)
            }
        }
        XCTAssertGreaterThan(decoded, 0, "no corpus input holds a valid seal")
    }
}
