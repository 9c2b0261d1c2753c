import Crypto
import Foundation

/// Transport-phase variants of EncryptWithAd and DecryptWithAd for the channel's hot path: they
/// read their input in place and append their output to a buffer the caller keeps, instead of
/// returning a new array per message. Same checks, same nonce rules as the plain forms.
extension CipherState {
    /// Appends the ciphertext and tag of `plaintext` to `output`.
    public mutating func encryptWithAd<Plaintext: DataProtocol>(_ ad: [UInt8], plaintext: Plaintext,
                                                                appendingTo output: inout [UInt8]) throws {
        guard let key else {
            output.append(contentsOf: plaintext)
            return
        }
        let length = plaintext.count + NoiseConstants.tagLength
        guard length <= NoiseConstants.maxMessageLength else {
            throw NoiseError.messageTooLong(length: length, maximum: NoiseConstants.maxMessageLength)
        }
        guard nonce != .max else { throw NoiseError.nonceExhausted }
        let box = try ChaChaPoly.seal(plaintext, using: key, nonce: try CipherState.transportNonce(nonce), authenticating: ad)
        output.append(contentsOf: box.ciphertext)
        output.append(contentsOf: box.tag)
        setNonce(nonce + 1)
    }

    /// Writes the ciphertext and tag of `plaintext` at the start of `output` (which must have room
    /// for `plaintext.count + 16` bytes) and returns how many bytes it wrote.
    public mutating func encryptWithAd<Plaintext: DataProtocol>(_ ad: [UInt8], plaintext: Plaintext,
                                                                into output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let key else { throw NoiseError.handshakeNotComplete }
        let length = plaintext.count + NoiseConstants.tagLength
        guard length <= NoiseConstants.maxMessageLength else {
            throw NoiseError.messageTooLong(length: length, maximum: NoiseConstants.maxMessageLength)
        }
        precondition(output.count >= length, "no room for the sealed message")
        guard nonce != .max else { throw NoiseError.nonceExhausted }
        let box = try ChaChaPoly.seal(plaintext, using: key, nonce: try CipherState.transportNonce(nonce), authenticating: ad)
        let written = box.ciphertext.copyBytes(to: output)
        _ = box.tag.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: output[written...]))
        setNonce(nonce + 1)
        return length
    }

    /// Checks `ciphertext` (which ends with its tag) and appends the plaintext to `output`. On
    /// failure `output` and the nonce are unchanged.
    public mutating func decryptWithAd(_ ad: [UInt8], ciphertext: ArraySlice<UInt8>,
                                       appendingTo output: inout [UInt8]) throws {
        let tagStart = max(ciphertext.startIndex, ciphertext.endIndex - NoiseConstants.tagLength)
        try open(ad, ciphertext[..<tagStart], tag: ciphertext[tagStart...], count: ciphertext.count, appendingTo: &output)
    }

    /// The same, reading the ciphertext where it lies (a socket's read buffer).
    public mutating func decryptWithAd(_ ad: [UInt8], ciphertext: UnsafeRawBufferPointer,
                                       appendingTo output: inout [UInt8]) throws {
        let tagStart = max(0, ciphertext.count - NoiseConstants.tagLength)
        try open(ad, UnsafeRawBufferPointer(rebasing: ciphertext[..<tagStart]),
                 tag: UnsafeRawBufferPointer(rebasing: ciphertext[tagStart...]), count: ciphertext.count, appendingTo: &output)
    }

    private mutating func open<Ciphertext: DataProtocol, Tag: DataProtocol>(
        _ ad: [UInt8], _ ciphertext: Ciphertext, tag: Tag, count: Int, appendingTo output: inout [UInt8]
    ) throws {
        guard let key else {
            output.append(contentsOf: ciphertext)
            output.append(contentsOf: tag)
            return
        }
        guard count <= NoiseConstants.maxMessageLength else {
            throw NoiseError.messageTooLong(length: count, maximum: NoiseConstants.maxMessageLength)
        }
        guard nonce != .max else { throw NoiseError.nonceExhausted }
        guard count >= NoiseConstants.tagLength else {
            throw NoiseError.messageTooShort(length: count, minimum: NoiseConstants.tagLength)
        }
        do {
            let box = try ChaChaPoly.SealedBox(nonce: try CipherState.transportNonce(nonce), ciphertext: ciphertext, tag: tag)
            output.append(contentsOf: try ChaChaPoly.open(box, using: key, authenticating: ad))
        } catch {
            throw NoiseError.decryptFailed
        }
        setNonce(nonce + 1)
    }

    /// The 96-bit ChaChaPoly nonce: 32 zero bits, then the counter little-endian.
    static func transportNonce(_ counter: UInt64) throws -> ChaChaPoly.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 { bytes[4 + index] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(index))) }
        return try ChaChaPoly.Nonce(data: bytes)
    }
}
