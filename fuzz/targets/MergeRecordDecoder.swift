// libFuzzer target: the merge record decoder. Built with MergeCore's sources by `fuzz/run`.
//
// Any input must either be refused with a DecodingError or decode to a record whose canonical
// encoding is exactly the input (the format allows one encoding per record). A trap, a crash or
// a second encoding is a finding.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMergeRecordDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let record = try? MergeRecord(decoding: bytes) else { return 0 }
    if record.encoded() != bytes {
        fatalError("decoded a record whose canonical encoding differs from the input")
    }
    do {
        try record.validate()
    } catch {
        fatalError("decoded a record that validate() refuses: \(error)")
    }
    return 0
}
