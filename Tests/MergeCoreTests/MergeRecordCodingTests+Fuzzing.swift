import XCTest
@testable import MergeCore
import TestSupport

/// Random bytes and single-byte mutations of valid encodings never crash the decoder, and whatever
/// it accepts re-encodes to the same bytes.
extension MergeRecordCodingTests {
    // MARK: Fuzzing

    func testRandomBytesNeverCrashTheDecoder() {
        let seed: UInt64 = 0xF022_0001
        var random = SplitMix64(seed: seed)
        for caseIndex in 0..<5_000 {
            var bytes = (0..<Int.random(in: 0...120, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            // Mostly a valid version byte and small lengths, so the decoder gets past the header.
            if !bytes.isEmpty && Int.random(in: 0..<4, using: &random) > 0 { bytes[0] = 1 }
            if bytes.count > 17 && Bool.random(using: &random) {
                bytes[1] &= 0x7F
                bytes[17] = UInt8.random(in: 0...8, using: &random)
            }
            if case .success(let record) = decode(bytes) {
                if record.encoded() != bytes { XCTFail("seed \(seed): case \(caseIndex): \(bytes) decoded but re-encodes differently") }
            }
        }
    }

    func testSingleByteMutationsOfValidEncodingsDecodeCanonicallyOrThrow() {
        var accepted = 0
        for caseIndex in 0..<3_000 {
            let seed = 0x3A7E_0000 + UInt64(caseIndex)
            var generator = RecordGenerator.small(seed: seed)
            var bytes = generator.record().encoded()
            let position = Int.random(in: 0..<bytes.count, using: &generator.random)
            let original = bytes[position]
            switch Int.random(in: 0..<3, using: &generator.random) {
            case 0: bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator.random)
            case 1: bytes[position] = UInt8.random(in: 0...255, using: &generator.random)
            default: bytes[position] = original &+ 1
            }
            if case .success(let record) = decode(bytes) {
                accepted += 1
                let again = record.encoded()
                if again != bytes {
                    XCTFail("seed \(seed): byte \(position) changed \(original) → \(bytes[position]); decoded, but re-encodes to other bytes")
                }
            }
        }
        // Mutations of text, node ids and counters decode; if none did, the test checked nothing.
        XCTAssertGreaterThan(accepted, 100)
    }
}
