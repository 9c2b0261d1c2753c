import TestSupport
import WireProtocol
import XCTest

/// The sync and blob messages (`protocol/wire.md` §8.3, §8.5): `push`/`records` (``RecordBatch``),
/// `pushed` (``PushAnswer``), `pull` (``PullRequest``), `pulled` (``PullDone``), `offer`/`want`
/// (``BlobList``), `blob` (``BlobPiece``) and `missing` (``BlobMissing``). The expected bytes are
/// written out by hand from wire.md, with this file's own big-endian helper, not the encoders'.
final class SyncMessageTests: XCTestCase {
    // MARK: helpers

    /// `value` as `width` big-endian bytes.
    private func be(_ value: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> UInt64($0 * 8)) }
    }

    private func randomBytes(_ count: Int, using random: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    /// Text of 1- to 4-byte scalars (a combining mark and NUL among them) within `maxBytes` of UTF-8.
    private func randomText(maxBytes: Int, using random: inout SplitMix64) -> String {
        let scalars: [Unicode.Scalar] = ["a", "Z", "7", "/", " ", "\u{0}", "é", "ß", "\u{301}", "€", "中", "😀"]
        let budget = Int.random(in: 0...maxBytes, using: &random)
        var text = String.UnicodeScalarView()
        var used = 0
        while let scalar = scalars.randomElement(using: &random), used + String(scalar).utf8.count <= budget {
            text.append(scalar)
            used += String(scalar).utf8.count
        }
        return String(text)
    }

    private func digest(_ byte: UInt8) -> [UInt8] { [UInt8](repeating: byte, count: 32) }

    /// `decode` must throw a FramingError whose text contains `expected`.
    private func assertRefused(_ decode: @autoclosure () throws -> Any, _ expected: String, _ context: String = "",
                               file: StaticString = #filePath, line: UInt = #line) {
        do {
            let value = try decode()
            XCTFail("\(context): decoded \(value), expected a refusal (\(expected))", file: file, line: line)
        } catch let error as FramingError {
            XCTAssertTrue("\(error)".contains(expected), "\(context): \"\(error)\" does not say \"\(expected)\"", file: file, line: line)
        } catch {
            XCTFail("\(context): \(error) is not a FramingError", file: file, line: line)
        }
    }

    /// One valid payload of every message type, with its decoder.
    private struct Sample {
        let name: String
        let payload: [UInt8]
        let decode: ([UInt8]) throws -> Any
    }

    private var samples: [Sample] {
        let batch = RecordBatch(through: 0x0102_0304_0506_0708, runs: [RunPayload(seal: [9, 9], records: [[1, 2, 3], [], [0xFF]]),
                                                                       RunPayload(seal: [8], withheld: "refused", records: [])])
        let answer = PushAnswer(through: 99, accepted: 2, refusals: [.init(index: 1, reason: "no team"), .init(index: 4, reason: "é")])
        let list = BlobList(digests: [digest(0xA1), digest(0xB2)])
        return [
            Sample(name: "push", payload: batch.message(.push).payload) { try RecordBatch(payload: $0, what: "push") },
            Sample(name: "records", payload: batch.message(.records).payload) { try RecordBatch(payload: $0, what: "records") },
            Sample(name: "pushed", payload: answer.message.payload) { try PushAnswer(payload: $0) },
            Sample(name: "pull", payload: PullRequest(cursor: 12, heldAudits: ["a", "bé"]).message.payload) { try PullRequest(payload: $0) },
            Sample(name: "pulled", payload: PullDone(cursor: 13, audits: ["x", ""]).message.payload) { try PullDone(payload: $0) },
            Sample(name: "offer", payload: list.message(.offer).payload) { try BlobList(payload: $0, what: "offer") },
            Sample(name: "want", payload: list.message(.want).payload) { try BlobList(payload: $0, what: "want") },
            // A piece that ends at the blob's end, so that no byte may follow it.
            Sample(name: "blob", payload: BlobPiece(digest: digest(0xC3), size: 10, offset: 7, bytes: [1, 2, 3]).message.payload) {
                try BlobPiece(payload: $0)
            },
            Sample(name: "missing", payload: BlobMissing(digest: digest(0xD4)).message.payload) { try BlobMissing(payload: $0) },
        ]
    }

    // MARK: round trips

    func testRecordBatchesRoundTripAsPushAndRecords() throws {
        var random = SplitMix64(seed: 0x5E_C0_20)
        for round in 0..<300 {
            let runs = (0..<Int.random(in: 0...4, using: &random)).map { _ -> RunPayload in
                let seal = randomBytes(Int.random(in: 1...200, using: &random), using: &random)
                if random.next() % 5 == 0 { return RunPayload(seal: seal, withheld: "refused \(random.next() % 100)", records: []) }
                return RunPayload(seal: seal, records: (0..<Int.random(in: 1...6, using: &random)).map { _ in
                    // Now and then a record over 65535 bytes, so that the length really is 4 bytes.
                    randomBytes(Int.random(in: 0...(round % 50 == 7 ? 70_000 : 80), using: &random), using: &random)
                })
            }
            let batch = RecordBatch(through: random.next(), runs: runs)
            let type: MessageType = round.isMultiple(of: 2) ? .push : .records
            let message = batch.message(type)
            XCTAssertEqual(message.type, type)
            XCTAssertEqual(message.payload.count, 13 + runs.reduce(0) { total, run in
                total + 8 + run.seal.count + (run.withheld?.utf8.count ?? 0) + run.records.reduce(0) { $0 + 4 + $1.count }
            }, "round \(round)")
            let decoded = try RecordBatch(payload: message.payload, what: "\(type)")
            XCTAssertEqual(decoded, batch, "round \(round)")
            XCTAssertEqual(decoded.message(type).payload, message.payload, "round \(round)")
        }
    }

    func testPushAnswersRoundTrip() throws {
        var random = SplitMix64(seed: 0x5E_C0_21)
        for round in 0..<300 {
            let refusals = (0..<Int.random(in: 0...8, using: &random)).map { _ in
                PushAnswer.Refusal(index: UInt32.random(in: 0...UInt32.max, using: &random),
                                   reason: randomText(maxBytes: 1024, using: &random), retryLater: Bool.random(using: &random))
            }
            let answer = PushAnswer(through: random.next(), accepted: UInt32.random(in: 0...UInt32.max, using: &random), refusals: refusals)
            let message = answer.message
            XCTAssertEqual(message.type, .pushed)
            let decoded = try PushAnswer(payload: message.payload)
            XCTAssertEqual(decoded, answer, "round \(round)")
            XCTAssertEqual(decoded.refusals.map { Array($0.reason.utf8) }, refusals.map { Array($0.reason.utf8) }, "round \(round)")
            XCTAssertEqual(decoded.message.payload, message.payload, "round \(round)")
        }
    }

    func testAPushedReasonIsCutAt1024BytesOnACharacterBoundary() throws {
        let long = PushAnswer(through: 1, accepted: 0, refusals: [.init(index: 0, reason: String(repeating: "€", count: 400)),
                                                                  .init(index: 1, reason: String(repeating: "a", count: 1025))])
        let decoded = try PushAnswer(payload: long.message.payload)
        XCTAssertEqual(decoded.refusals.map(\.reason), [String(repeating: "€", count: 341), String(repeating: "a", count: 1024)])
    }

    func testPullAndPulledRoundTrip() throws {
        var random = SplitMix64(seed: 0x5E_C0_22)
        for round in 0..<300 {
            // Round 0 lists 300 audits, so that the count's high byte is used.
            let count = round == 0 ? 300 : Int.random(in: 0...6, using: &random)
            let audits = (0..<count).map { _ in randomText(maxBytes: 255, using: &random) }
            let cursor = random.next()

            let pull = PullRequest(cursor: cursor, heldAudits: audits)
            XCTAssertEqual(pull.message.type, .pull)
            let request = try PullRequest(payload: pull.message.payload)
            XCTAssertEqual(request.cursor, cursor)
            XCTAssertEqual(request.heldAudits.map { Array($0.utf8) }, audits.map { Array($0.utf8) }, "round \(round)")
            XCTAssertEqual(request.message.payload, pull.message.payload, "round \(round)")

            let pulled = PullDone(cursor: cursor, audits: audits)
            XCTAssertEqual(pulled.message.type, .pulled)
            let done = try PullDone(payload: pulled.message.payload)
            XCTAssertEqual(done.cursor, cursor)
            XCTAssertEqual(done.audits.map { Array($0.utf8) }, audits.map { Array($0.utf8) }, "round \(round)")
            XCTAssertEqual(done.message.payload, pulled.message.payload, "round \(round)")
        }
    }

    func testBlobListsRoundTripAsOfferAndWant() throws {
        var random = SplitMix64(seed: 0x5E_C0_25)
        for round in 0..<300 {
            let count = round == 0 ? 300 : Int.random(in: 0...10, using: &random)
            let list = BlobList(digests: (0..<count).map { _ in randomBytes(32, using: &random) })
            let type: MessageType = round.isMultiple(of: 2) ? .offer : .want
            let message = list.message(type)
            XCTAssertEqual(message.type, type)
            XCTAssertEqual(message.payload.count, 5 + 32 * count)
            let decoded = try BlobList(payload: message.payload, what: "\(type)")
            XCTAssertEqual(decoded, list, "round \(round)")
            XCTAssertEqual(decoded.message(type).payload, message.payload, "round \(round)")
        }
    }

    func testBlobPiecesAndMissingRoundTrip() throws {
        var random = SplitMix64(seed: 0x5E_C0_27)
        for round in 0..<300 {
            let size = round.isMultiple(of: 3) ? UInt64.max - UInt64.random(in: 0...300, using: &random)
                                               : UInt64.random(in: 0...400, using: &random)
            let offset = UInt64.random(in: 0...size, using: &random)
            let bytes = randomBytes(Int(min(size - offset, UInt64.random(in: 0...300, using: &random))), using: &random)
            let piece = BlobPiece(digest: randomBytes(32, using: &random), size: size, offset: offset, bytes: bytes)
            XCTAssertEqual(piece.message.type, .blob)
            XCTAssertEqual(piece.message.payload.count, 49 + bytes.count)
            let decoded = try BlobPiece(payload: piece.message.payload)
            XCTAssertEqual(decoded, piece, "round \(round)")
            XCTAssertEqual(decoded.message.payload, piece.message.payload, "round \(round)")

            let missing = BlobMissing(digest: randomBytes(32, using: &random))
            XCTAssertEqual(missing.message.type, .missing)
            XCTAssertEqual(try BlobMissing(payload: missing.message.payload), missing, "round \(round)")
        }
    }

    // MARK: the documented layout

    func testEachMessageHasTheDocumentedLayout() throws {
        // push / records: type · u32 length · format 02 · u64 through · u32 runs · (u16 length · seal ·
        // u16 length · withheld reason · u32 count · (u32 length · record)…)…
        let batch = RecordBatch(through: 0x0102_0304_0506_0708, runs: [RunPayload(seal: [0x5E], records: [[0xAA], []])])
        let batchPayload: [UInt8] = [0x02, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 1, 0, 1, 0x5E, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0xAA, 0, 0, 0, 0]
        XCTAssertEqual(batch.message(.push).encoded(), [0x20, 0, 0, 0, 31] + batchPayload)
        XCTAssertEqual(batch.message(.records).encoded(), [0x23, 0, 0, 0, 31] + batchPayload)
        XCTAssertEqual(try RecordBatch(payload: batchPayload, what: "push"), batch)
        var unsealed = batchPayload
        unsealed[0] = 0x01
        assertRefused(try RecordBatch(payload: unsealed, what: "push"), "push: records without seals")

        // pushed: format · u64 through · u32 accepted · u32 refused · (u32 index · u8 retry · u16 length · UTF-8)…
        let answer = PushAnswer(through: 5, accepted: 0x0102_0304, refusals: [.init(index: 0x0A0B_0C0D, reason: "né"),
                                                                               .init(index: 7, reason: "", retryLater: true)])
        let answerPayload: [UInt8] = [0x01, 0, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 0, 0, 0, 2, 0x0A, 0x0B, 0x0C, 0x0D,
                                      0, 0, 3, 0x6E, 0xC3, 0xA9, 0, 0, 0, 7, 1, 0, 0]
        XCTAssertEqual(answer.message.encoded(), [0x21, 0, 0, 0, 34] + answerPayload)
        XCTAssertEqual(try PushAnswer(payload: answerPayload), answer)
        var badFlag = answerPayload
        badFlag[21] = 2
        assertRefused(try PushAnswer(payload: badFlag), "pushed: retry flag 2")

        // pull: format · u64 cursor · u16 count · (u8 length · audit id)… held whole · u16 count ·
        // (u8 length · audit id)… catching up · u64 through for each of those.
        let pull = PullRequest(cursor: 0x100, heldAudits: ["a1", "b"])
        let pullPayload: [UInt8] = [0x01, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2, 2, 0x61, 0x31, 1, 0x62, 0, 0]
        XCTAssertEqual(pull.message.encoded(), [0x22, 0, 0, 0, 18] + pullPayload)
        XCTAssertEqual(try PullRequest(payload: pullPayload), pull)
        let resumedPull = PullRequest(cursor: 0x100, heldAudits: [], catchingUp: [.init(audit: "c", through: 0xFF)])
        let resumedPullPayload: [UInt8] = [0x01, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0x63, 0, 0, 0, 0, 0, 0, 0, 0xFF]
        XCTAssertEqual(resumedPull.message.encoded(), [0x22, 0, 0, 0, 23] + resumedPullPayload)
        XCTAssertEqual(try PullRequest(payload: resumedPullPayload), resumedPull)
        var pastCursor = resumedPullPayload
        pastCursor[20] = 2
        assertRefused(try PullRequest(payload: pastCursor), "pull: a catch-up past the cursor")

        // pulling: format 02 · u64 cursor · u16 count · (u8 length · audit id)… · u16 count · (u64 node · 32-byte key)…
        let key = [UInt8](repeating: 0x4B, count: 32)
        let pulling = PullStart(cursor: 9, audits: ["a"], recordKeys: [.init(node: 0x0A, key: key)])
        let pullingPayload: [UInt8] = [0x02, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 1, 0x61, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x0A] + key
        XCTAssertEqual(pulling.message.encoded(), [0x2E, 0, 0, 0, 55] + pullingPayload)
        XCTAssertEqual(try PullStart(payload: pullingPayload), pulling)

        // resume: format 02 · u64 log · u64 cursor · 32-byte record key; resumed: format · u64 log · u64 cursor · u8 flags · u64 pushed.
        let resume = ResumeRequest(log: 0x0102_0304_0506_0708, cursor: 5, recordKey: key)
        let resumePayload: [UInt8] = [0x02, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 5] + key
        XCTAssertEqual(resume.message.encoded(), [0x2B, 0, 0, 0, 49] + resumePayload)
        XCTAssertEqual(try ResumeRequest(payload: resumePayload), resume)
        let resumed = ResumeAnswer(log: 2, cursor: 3, pushedThrough: 4, restored: true)
        let resumedPayload: [UInt8] = [0x01, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 4]
        XCTAssertEqual(resumed.message.encoded(), [0x2C, 0, 0, 0, 26] + resumedPayload)
        XCTAssertEqual(try ResumeAnswer(payload: resumedPayload), resumed)
        XCTAssertEqual(try ResumeAnswer(payload: ResumeAnswer(log: 2, cursor: 3, pushedThrough: nil, restored: false).message.payload).pushedThrough, nil)
        var unknownFlag = resumedPayload
        unknownFlag[17] = 7
        assertRefused(try ResumeAnswer(payload: unknownFlag), "resumed: unknown flags 7")
        var positionWithoutFlag = resumedPayload
        positionWithoutFlag[17] = 2
        assertRefused(try ResumeAnswer(payload: positionWithoutFlag), "resumed: a push position without its flag")
        let pulled = PullDone(cursor: 7, audits: [])
        let pulledPayload: [UInt8] = [0x01, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0]
        XCTAssertEqual(pulled.message.encoded(), [0x24, 0, 0, 0, 11] + pulledPayload)
        XCTAssertEqual(try PullDone(payload: pulledPayload), pulled)

        // offer / want: format · u32 count · count × 32 bytes.
        let list = BlobList(digests: [digest(0x11), digest(0x22)])
        let listPayload: [UInt8] = [0x01, 0, 0, 0, 2] + digest(0x11) + digest(0x22)
        XCTAssertEqual(list.message(.offer).encoded(), [0x25, 0, 0, 0, 69] + listPayload)
        XCTAssertEqual(list.message(.want).encoded(), [0x26, 0, 0, 0, 69] + listPayload)
        XCTAssertEqual(BlobList(digests: []).message(.want).encoded(), [0x26, 0, 0, 0, 5, 0x01, 0, 0, 0, 0])
        XCTAssertEqual(try BlobList(payload: listPayload, what: "offer"), list)

        // blob: format · 32 bytes SHA-256 · u64 size · u64 offset · the bytes.
        let piece = BlobPiece(digest: digest(0x33), size: 10, offset: 4, bytes: [9, 8])
        let piecePayload: [UInt8] = [0x01] + digest(0x33) + [0, 0, 0, 0, 0, 0, 0, 10] + [0, 0, 0, 0, 0, 0, 0, 4] + [9, 8]
        XCTAssertEqual(piece.message.encoded(), [0x27, 0, 0, 0, 51] + piecePayload)
        XCTAssertEqual(try BlobPiece(payload: piecePayload), piece)

        // missing: format · 32 bytes SHA-256.
        let missing = BlobMissing(digest: digest(0x44))
        XCTAssertEqual(missing.message.encoded(), [0x28, 0, 0, 0, 33, 0x01] + digest(0x44))
        XCTAssertEqual(try BlobMissing(payload: [0x01] + digest(0x44)), missing)
    }

    // MARK: malformed payloads

    func testEveryTruncationIsRefused() throws {
        for sample in samples where sample.name != "blob" {
            XCTAssertNoThrow(try sample.decode(sample.payload), sample.name)
            for cut in 0..<sample.payload.count {
                assertRefused(try sample.decode(Array(sample.payload.prefix(cut))), "ends early", "\(sample.name) cut at \(cut)")
            }
        }
        // A blob piece has no length of its own (the message's gives it): cut in its header it is
        // refused; cut in its bytes it is the shorter piece.
        let piece = BlobPiece(digest: digest(0xC3), size: 10, offset: 7, bytes: [1, 2, 3])
        let payload = piece.message.payload
        for cut in 0..<49 {
            assertRefused(try BlobPiece(payload: Array(payload.prefix(cut))), "ends early", "blob cut at \(cut)")
        }
        for cut in 49..<payload.count {
            XCTAssertEqual(try BlobPiece(payload: Array(payload.prefix(cut))),
                           BlobPiece(digest: digest(0xC3), size: 10, offset: 7, bytes: Array(piece.bytes.prefix(cut - 49))))
        }
    }

    func testATrailingByteIsRefused() {
        for sample in samples {
            for extra: UInt8 in [0, 0x41] {
                // A blob piece that ends at its blob's end cannot take one byte more.
                assertRefused(try sample.decode(sample.payload + [extra]), sample.name == "blob" ? "lie outside" : "1 bytes follow it",
                              "\(sample.name) + \(extra)")
            }
        }
    }

    func testAnotherFormatIsRefused() {
        for sample in samples {
            for format: UInt8 in [0x00, 0x02, 0xFF] where format != sample.payload[0] && !(sample.payload[0] == 0x02 && format == 0x01) {
                var payload = sample.payload
                payload[0] = format
                assertRefused(try sample.decode(payload), "\(sample.name): unknown format", "\(sample.name) format \(format)")
            }
        }
    }

    // MARK: limits

    func testABatchOverItsLimitsIsRefusedFromTheCountsAlone() throws {
        let header: [UInt8] = [0x02] + be(42, 8)
        for (what, count) in [("push", 4097), ("records", 0xFFFF_FFFF)] {
            // Nothing follows the count: the refusal must name the count, not the missing runs.
            assertRefused(try RecordBatch(payload: header + be(UInt64(count), 4), what: what), "\(what): \(count) runs in one batch")
        }
        let run: (Int) -> [UInt8] = { [self] records in be(1, 2) + [0x5E] + self.be(0, 2) + self.be(UInt64(records), 4) + [UInt8](repeating: 0, count: 4 * records) }
        let full = try RecordBatch(payload: header + be(2, 4) + run(4096) + run(4096), what: "push")
        XCTAssertEqual(full.records.count, 8192)
        XCTAssertEqual(full.message(.push).payload, header + be(2, 4) + run(4096) + run(4096))
        assertRefused(try RecordBatch(payload: header + be(3, 4) + run(4096) + run(4096) + be(1, 2) + [0x5E] + be(0, 2) + be(1, 4), what: "push"),
                      "push: more than 8192 records in one batch")
        assertRefused(try RecordBatch(payload: header + be(1, 4) + be(1, 2) + [0x5E] + be(0, 2) + be(0, 4), what: "push"),
                      "a run carries records or says why it withholds them")
        assertRefused(try RecordBatch(payload: header + be(1, 4) + be(0, 2), what: "push"), "a seal of 0 bytes")
    }

    func testOtherCountsAreRefusedFromTheCountAlone() {
        assertRefused(try PushAnswer(payload: [0x01] + be(1, 8) + be(0, 4) + be(4097, 4)), "pushed: 4097 refusals")
        assertRefused(try BlobList(payload: [0x01] + be(1 << 20 + 1, 4), what: "want"), "want: 1048577 blobs in one list")
        assertRefused(try BlobList(payload: [0x01] + be(0xFFFF_FFFF, 4), what: "offer"), "offer: 4294967295 blobs in one list")
        // Within the limits, the missing entries are what is refused.
        assertRefused(try PushAnswer(payload: [0x01] + be(1, 8) + be(0, 4) + be(4096, 4)), "ends early")
        assertRefused(try BlobList(payload: [0x01] + be(1 << 20, 4), what: "want"), "ends early")
    }

    func testABlobPieceMustLieInsideItsBlobAndWithin1MiB() throws {
        func payload(size: UInt64, offset: UInt64, count: Int) -> [UInt8] {
            [0x01] + digest(0x5A) + be(size, 8) + be(offset, 8) + [UInt8](repeating: 0x61, count: count)
        }
        let outside: [(size: UInt64, offset: UInt64, count: Int)] = [
            (10, 8, 3), (10, 11, 0), (0, 0, 1), (0, 1, 0), (.max, .max, 1), (.max - 1, .max, 0), (5, .max, 1),
        ]
        for (size, offset, count) in outside {
            assertRefused(try BlobPiece(payload: payload(size: size, offset: offset, count: count)), "lie outside",
                          "\(count) bytes at \(offset) of \(size)")
        }
        let inside: [(size: UInt64, offset: UInt64, count: Int)] = [
            (10, 8, 2), (10, 10, 0), (0, 0, 0), (.max, .max - 1, 1), (.max, .max, 0), (1 << 20, 0, 1 << 20),
        ]
        for (size, offset, count) in inside {
            let bytes = payload(size: size, offset: offset, count: count)
            let piece = try BlobPiece(payload: bytes)
            XCTAssertEqual([piece.size, piece.offset, UInt64(piece.bytes.count)], [size, offset, UInt64(count)])
            XCTAssertEqual(piece.message.payload, bytes)
        }
        // Over 1 MiB is refused even inside a blob large enough.
        assertRefused(try BlobPiece(payload: payload(size: 4 << 20, offset: 0, count: 1 << 20 + 1)), "blob: a piece of 1048577 bytes")
    }

    func testReasonsAndAuditIdsMustBeUTF8() throws {
        func pushed(_ reason: [UInt8]) -> [UInt8] {
            [0x01] + be(1, 8) + be(0, 4) + be(2, 4) + be(0, 4) + [0, 0, 2, 0x6F, 0x6B] + be(1, 4) + [1] + be(UInt64(reason.count), 2) + reason
        }
        func pull(_ id: [UInt8]) -> [UInt8] { [0x01] + be(3, 8) + [0, 2, 1, 0x61, UInt8(id.count)] + id }
        XCTAssertEqual(try PushAnswer(payload: pushed([0x61, 0xC3, 0xA9])).refusals.map(\.reason), ["ok", "aé"])
        XCTAssertEqual(try PullRequest(payload: pull([0x62]) + [0, 0]).heldAudits, ["a", "b"])
        XCTAssertEqual(try PullDone(payload: pull([0xF0, 0x9F, 0x98, 0x80])).audits, ["a", "😀"])
        let illFormed: [[UInt8]] = [
            [0xFF], [0x61, 0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80, 0x61], [0xE2, 0x82],
        ]
        for bytes in illFormed {
            assertRefused(try PushAnswer(payload: pushed(bytes)), "pushed: a reason is not UTF-8", "\(bytes)")
            assertRefused(try PullRequest(payload: pull(bytes) + [0, 0]), "pull: audit id is not UTF-8", "\(bytes)")
            assertRefused(try PullDone(payload: pull(bytes)), "pulled: audit id is not UTF-8", "\(bytes)")
        }
    }
}
