import NoiseProtocol
import TestSupport
import XCTest

/// Asserts that `expression` throws exactly `expected`.
func assertThrows<T>(
    _ expected: NoiseError,
    _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath,
    line: UInt = #line,
    _ expression: () throws -> T
) {
    do {
        let value = try expression()
        XCTFail("expected \(expected), got a value \(value). \(message())", file: file, line: line)
    } catch let error as NoiseError {
        XCTAssertEqual(error, expected, message(), file: file, line: line)
    } catch {
        XCTFail("expected \(expected), got \(error). \(message())", file: file, line: line)
    }
}

extension SplitMix64 {
    /// `count` random bytes.
    mutating func bytes(count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count + 8)
        while result.count < count {
            let word = next()
            for shift in stride(from: 0, to: 64, by: 8) where result.count < count {
                result.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return result
    }

    /// A length for a garbage message: mostly short, sometimes empty, sometimes large, sometimes
    /// over the Noise maximum.
    mutating func garbageLength() -> Int {
        switch next() % 20 {
        case 0: return 0
        case 1: return Int.random(in: 65_536...70_000, using: &self)
        case 2: return Int.random(in: 201...65_535, using: &self)
        default: return Int.random(in: 1...200, using: &self)
        }
    }

    /// `bytes` with one randomly chosen bit flipped; returns the bit's index too.
    mutating func flippingOneBit(of bytes: [UInt8]) -> (bytes: [UInt8], bit: Int) {
        let bit = Int.random(in: 0..<(bytes.count * 8), using: &self)
        var result = bytes
        result[bit / 8] ^= UInt8(1) << UInt8(bit % 8)
        return (result, bit)
    }
}
