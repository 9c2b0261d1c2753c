import HexEncoding

/// One W3C Bitstring Status List: a bit per certificate (its `statusIndex`), set when the
/// certificate has the list's status (suspended, or withdrawn). Bit 0 is the most significant bit
/// of byte 0. Lists are at least 131,072 bits (16 KiB) long so that one certificate's bit hides
/// among many (the specification's herd privacy).
public struct StatusList: Equatable, Sendable {
    /// Bits (the W3C minimum, for herd privacy).
    public static let minimumLength = 131_072
    /// The longest list this build reads: 16 MiB of bits, 134,217,728 certificates.
    public static let maximumLength = 134_217_728

    private var bytes: [UInt8]

    /// The number of bits: a multiple of 8, at least `minimumLength`.
    public var length: Int { bytes.count * 8 }

    /// A list with every bit clear. `length` must be a multiple of 8 from `minimumLength` to
    /// `maximumLength`.
    public init(length: Int = StatusList.minimumLength) {
        precondition(length >= Self.minimumLength && length <= Self.maximumLength && length % 8 == 0,
                     "a status list is a multiple of 8 bits from \(Self.minimumLength) to \(Self.maximumLength), not \(length)")
        bytes = [UInt8](repeating: 0, count: length / 8)
    }

    /// The bit at `index`, which must be below `length` (a certificate's index comes from the
    /// central's own numbering; check `length` first for an index read from elsewhere).
    public subscript(index: Int) -> Bool {
        get {
            precondition(index >= 0 && index < length, "status index \(index) is outside the list of \(length)")
            return bytes[index / 8] & Self.mask(index) != 0
        }
        set {
            precondition(index >= 0 && index < length, "status index \(index) is outside the list of \(length)")
            if newValue { bytes[index / 8] |= Self.mask(index) } else { bytes[index / 8] &= ~Self.mask(index) }
        }
    }

    /// The W3C `encodedList`: the multibase base64url form (`u` + base64url without padding) of
    /// the gzip-compressed bits.
    public var encodedList: String {
        "u" + Base64URL.encode(Gzip.compress(bytes))
    }

    /// The list an `encodedList` holds. Refuses, with a reason, anything else: no multibase `u`
    /// prefix, text that is not canonical base64url, data that is not one whole gzip member, and
    /// bits fewer than `minimumLength` or more than `maximumLength`.
    public init(encodedList: String) throws {
        guard encodedList.hasPrefix("u") else {
            throw CertificateError("the status list is not multibase base64url (it should start with u)")
        }
        guard let compressed = Base64URL.decode(encodedList.dropFirst()) else {
            throw CertificateError("the status list is not base64url")
        }
        let bits: [UInt8]
        do {
            bits = try Gzip.decompress(compressed, limit: Self.maximumLength / 8)
        } catch {
            throw CertificateError("the status list cannot be decompressed: \(error)")
        }
        guard bits.count * 8 >= Self.minimumLength else {
            throw CertificateError(
                "the status list has \(bits.count * 8) bits; a list has at least \(Self.minimumLength), so that one certificate hides among many")
        }
        self.bytes = bits
    }

    private static func mask(_ index: Int) -> UInt8 { 0x80 >> UInt8(index % 8) }
}
