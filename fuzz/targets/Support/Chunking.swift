import WireProtocol

/// Piece sizes for a stream, taken from its own bytes: 1 + byte mod m, with m = 1…128 from the
/// low 7 bits of the selector (m = 1: one byte at a time), times 521 when its high bit is set so
/// that long frames arrive in few pieces too. Shared by the fuzz targets; the replay tests write
/// the same rule again on purpose.
public func pieceSizes(selector: UInt8, stream: [UInt8]) -> [Int] {
    guard !stream.isEmpty else { return [1] }
    let modulus = Int(selector & 0x7F) + 1
    let scale = selector & 0x80 == 0 ? 1 : 521
    var sizes: [Int] = []
    var covered = 0
    var index = 0
    while covered < stream.count {
        let size = (1 + Int(stream[index % stream.count]) % modulus) * scale
        sizes.append(size)
        covered += size
        index += 1
    }
    return sizes
}

/// What feeding a stream to a decoder gave: its items, the error that stopped it, and how many
/// bytes it still held.
public struct DecodeOutcome<Item: Equatable>: Equatable {
    public var items: [Item] = []
    public var error: FramingError?
    public var buffered = 0
    public init() {}
}

/// Feeds `stream` to `decoder` in `pieces` (all at once when empty), taking out items after each.
public func decode<Decoder: ByteStreamDecoder>(_ stream: [UInt8], pieces: [Int], with decoder: Decoder) -> DecodeOutcome<Decoder.Item>
where Decoder.Item: Equatable {
    var decoder = decoder
    var outcome = DecodeOutcome<Decoder.Item>()
    var offset = 0
    var next = 0
    repeat {
        let size = next < pieces.count ? pieces[next] : stream.count - offset
        next += 1
        let end = min(stream.count, offset + size)
        decoder.append(stream[offset..<end])
        offset = end
        do throws(FramingError) {
            while let item = try decoder.next() { outcome.items.append(item) }
        } catch {
            outcome.error = error
            return outcome
        }
    } while offset < stream.count
    outcome.buffered = decoder.bufferedCount
    return outcome
}
