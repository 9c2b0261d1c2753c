import HexEncoding
import MergeCore
import TestSupport
import XCTest

@testable import RecordSeals

/// Seals prove who wrote a run of records and that none was dropped, altered or reordered.
final class SealTests: XCTestCase {
    private let alice = NodeID(rawValue: 0x0A11_CE00_0000_0001)
    private let key = try! RecordSigningKey(rawRepresentation: (0..<32).map { UInt8($0) &* 3 &+ 7 })
    private let otherKey = try! RecordSigningKey(rawRepresentation: (0..<32).map { UInt8($0) &* 5 &+ 1 })

    private func records(_ count: Int, from start: Int = 0) -> [[UInt8]] {
        (start..<start + count).map { index in
            MergeRecord(entity: "item", key: "A-2026-0001/iso42001:2023/4.\(index)", field: "result", value: .text("conform"),
                        timestamp: Timestamp(milliseconds: 1_780_000_000_000 + UInt64(index), counter: 0, node: alice)).encoded()
        }
    }

    /// Seals `records` on `chain`; the chain after them and the seal.
    private func sealed(_ records: [[UInt8]], on chain: RecordChain, with key: RecordSigningKey? = nil) throws -> (RecordChain, Seal) {
        var next = chain
        for record in records { next.append(encoded: record) }
        return (next, try (key ?? self.key).seal(from: chain, to: next))
    }

    func testASealedRunVerifiesAndContinuesTheChain() throws {
        let start = RecordChain(node: alice, scope: "A-2026-0001")
        let first = records(3)
        let (afterFirst, seal1) = try sealed(first, on: start)
        XCTAssertEqual(try seal1.verify(records: first, continuing: start, publicKey: key.publicKey), afterFirst)
        let second = records(2, from: 3)
        let (afterSecond, seal2) = try sealed(second, on: afterFirst)
        XCTAssertEqual(seal2.first, 4)
        XCTAssertEqual(seal2.last, 5)
        XCTAssertEqual(try seal2.verify(records: second, continuing: afterFirst, publicKey: key.publicKey), afterSecond)
    }

    func testEveryTamperingIsFoundAndNamed() throws {
        let start = RecordChain(node: alice, scope: "A-2026-0001")
        let run = records(4)
        let (after, original) = try sealed(run, on: start)
        func refusal(_ records: [[UInt8]], chain: RecordChain? = nil, key publicKey: [UInt8]? = nil, seal: Seal? = nil) -> String {
            do {
                _ = try (seal ?? original).verify(records: records, continuing: chain ?? start, publicKey: publicKey ?? key.publicKey)
                return "verified"
            } catch {
                return error.description
            }
        }
        var flipped = run
        flipped[2][flipped[2].count - 1] ^= 0x01   // one bit of one record
        XCTAssertTrue(refusal(flipped).contains("are not the ones it signed"), refusal(flipped))
        XCTAssertTrue(refusal([run[0], run[2], run[1], run[3]]).contains("are not the ones it signed"))
        XCTAssertTrue(refusal([run[0], run[1], run[3]]).contains("4 records of A-2026-0001 from 1, and 3 came"))
        XCTAssertTrue(refusal(run, key: otherKey.publicKey).contains("does not verify with its registered key"))
        // Re-signed by another node's key, claiming to be alice's.
        let (_, forged) = try sealed(run, on: start, with: otherKey)
        XCTAssertTrue(refusal(run, seal: forged).contains("does not verify"))
        // Replayed: the chain already holds these records.
        XCTAssertTrue(refusal(run, chain: after).contains("already received (replayed)"), refusal(run, chain: after))
        // A gap: the first records of the chain never came.
        let (_, later) = try sealed(records(1, from: 4), on: after)
        XCTAssertTrue(refusal(records(1, from: 4), seal: later).contains("records 1–4 of node \(alice.hex) in A-2026-0001 are missing"))
    }

    func testTheEncodingRoundTripsAndRefusesBadInput() throws {
        let (_, seal) = try sealed(records(2), on: RecordChain(node: alice, scope: "A-2026-0001"))
        let bytes = seal.encoded()
        XCTAssertEqual(bytes.count, 8 + 1 + 11 + 8 + 4 + 32 + 32 + 64)
        XCTAssertEqual(try Seal(decoding: bytes), seal)
        for cut in 0..<bytes.count { XCTAssertThrowsError(try Seal(decoding: Array(bytes.prefix(cut))), "cut at \(cut)") }
        XCTAssertThrowsError(try Seal(decoding: bytes + [0]))
        var zeroCount = bytes
        zeroCount[8 + 1 + 11 + 8 + 3] = 0
        XCTAssertThrowsError(try Seal(decoding: zeroCount))
        var random = SplitMix64(seed: 0x5EA1)
        for _ in 0..<2000 {
            var mutated = bytes
            mutated[Int(random.next() % UInt64(bytes.count))] ^= UInt8(1 << (random.next() % 8))
            if let decoded = try? Seal(decoding: mutated) { XCTAssertEqual(decoded.encoded(), mutated) }
        }
    }

    /// The vectors of protocol/signatures.md: chain heads are plain SHA-256, so a third party
    /// reproduces them exactly.
    func testChainHeadsMatchTheDocumentedVectors() {
        var chain = RecordChain(node: alice, scope: "A-2026-0001")
        XCTAssertEqual(Hex.encode(chain.head), Hex.encode(RecordChain.genesis(node: alice, scope: "A-2026-0001")))
        var computed = [Hex.encode(chain.head)]
        for record in records(2) {
            chain.append(encoded: record)
            computed.append(Hex.encode(chain.head))
        }
        XCTAssertEqual(SignatureVectors.chainHeads, computed, "protocol/signatures.md's chain heads; record 1 encodes as "
                       + Hex.encode(records(1)[0]))
    }

    /// The documented seal: its bytes decode, re-encode exactly and verify with the documented key
    /// over the documented records; Ed25519 (RFC 8032) signs deterministically, so it is also
    /// exactly what this key makes.
    func testTheDocumentedSealVerifies() throws {
        let run = records(2)
        let (_, seal) = try sealed(run, on: RecordChain(node: alice, scope: "A-2026-0001"))
        let rows = SignatureVectors.rows
        XCTAssertEqual(rows["public key"], Hex.encode(key.publicKey))
        XCTAssertEqual(rows["record 1"], Hex.encode(run[0]))
        XCTAssertEqual(rows["record 2"], Hex.encode(run[1]))
        XCTAssertEqual(rows["signed bytes"], Hex.encode(seal.signedBytes))
        XCTAssertEqual(rows["seal"], Hex.encode(seal.encoded()))
        let documented = try Seal(decoding: Array(try XCTUnwrap(Hex.decode(rows["seal"] ?? ""))))
        XCTAssertNoThrow(try documented.verify(records: run, continuing: RecordChain(node: alice, scope: "A-2026-0001"),
                                               publicKey: key.publicKey))
    }
}
