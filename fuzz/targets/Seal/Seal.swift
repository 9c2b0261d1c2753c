// libFuzzer target `seal`: the seal decoder and the chain check of signed records (RecordSeals;
// protocol/signatures.md). Built by `fuzz/run seal` through fuzz/Package.swift.
//
// Input: byte 0 picks the mode, the rest is the bytes.
//   even  Seal(decoding:) of the bytes: what decodes must re-encode to exactly its input, and
//         checking it against the bytes as a record, any key, never traps;
//   odd   the bytes as one record's encoding, sealed here on a fresh chain with a fixed key: the
//         run must verify, and the same run with one bit flipped (chosen by byte 0) must not.
// Any trap, or a property failing, is a finding (fatalError). `SealCorpusReplayTests` replays the
// corpus with the same checks in the ordinary suite.

import MergeCore
import RecordSeals

let key = try! RecordSigningKey(rawRepresentation: (0..<32).map { UInt8($0) &* 11 &+ 3 })

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSeal(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = input.first else { return 0 }
    let bytes = Array(input.dropFirst())
    if selector % 2 == 0 {
        guard let seal = try? Seal(decoding: bytes) else { return 0 }
        guard seal.encoded() == bytes else { fatalError("a seal whose encoding differs from its input") }
        let chain = RecordChain(node: seal.node, scope: seal.scope)
        _ = try? seal.verify(records: [bytes], continuing: chain, publicKey: Array(bytes.prefix(32)))
        _ = try? seal.verify(records: Array(repeating: bytes, count: Int(min(seal.count, 8))), continuing: chain, publicKey: key.publicKey)
        _ = seal.verifiesSignature(publicKey: key.publicKey)
    } else {
        let start = RecordChain(node: NodeID(rawValue: 42), scope: "A-2026-0001")
        var chain = start
        chain.append(encoded: bytes)
        guard let seal = try? key.seal(from: start, to: chain) else { fatalError("sealing failed") }
        guard (try? seal.verify(records: [bytes], continuing: start, publicKey: key.publicKey)) == chain else {
            fatalError("a run sealed here does not verify")
        }
        guard !bytes.isEmpty else { return 0 }
        var flipped = bytes
        flipped[Int(selector) % bytes.count] ^= 1 << (selector % 8)
        if (try? seal.verify(records: [flipped], continuing: start, publicKey: key.publicKey)) != nil {
            fatalError("a run with a flipped bit verifies")
        }
    }
    return 0
}
