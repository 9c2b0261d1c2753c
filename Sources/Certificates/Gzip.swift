internal import CZlib

/// gzip (RFC 1952) through zlib, for status lists. Compression is deterministic — no file name,
/// modification time 0, operating system "unknown" — so the same bits always give the same bytes
/// on every platform. Decompression takes exactly one whole gzip member (CRC and length checked by
/// zlib), nothing after it, and stops at `limit` bytes of output, so a small input cannot expand
/// into unbounded memory.
enum Gzip {
    private static let chunk = 64 * 1024

    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard auditsync_deflate_init_gzip(&stream, Z_BEST_COMPRESSION) == Z_OK else {
            preconditionFailure("zlib could not start compressing (out of memory?)")
        }
        defer { deflateEnd(&stream) }
        var header = gz_header()
        header.os = 255
        var output: [UInt8] = []
        var input = bytes
        var buffer = [UInt8](repeating: 0, count: chunk)
        withUnsafeMutablePointer(to: &header) { header in
            guard deflateSetHeader(&stream, header) == Z_OK else { preconditionFailure("zlib refused the gzip header") }
            input.withUnsafeMutableBufferPointer { input in
                stream.next_in = input.baseAddress
                stream.avail_in = uInt(input.count)
                var status: Int32 = Z_OK
                while status != Z_STREAM_END {
                    buffer.withUnsafeMutableBufferPointer { buffer in
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = uInt(buffer.count)
                        status = deflate(&stream, Z_FINISH)
                        output.append(contentsOf: buffer[0..<(buffer.count - Int(stream.avail_out))])
                    }
                    guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                        preconditionFailure("zlib failed while compressing (\(status))")
                    }
                }
            }
        }
        return output
    }

    static func decompress(_ bytes: [UInt8], limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard auditsync_inflate_init_gzip(&stream) == Z_OK else { throw CertificateError("zlib could not start decompressing") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var input = bytes
        var buffer = [UInt8](repeating: 0, count: chunk)
        return try input.withUnsafeMutableBufferPointer { input throws -> [UInt8] in
            stream.next_in = input.baseAddress
            stream.avail_in = uInt(input.count)
            while true {
                var status: Int32 = Z_OK
                buffer.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: buffer[0..<(buffer.count - Int(stream.avail_out))])
                }
                guard output.count <= limit else { throw CertificateError("it expands to more than \(limit) bytes") }
                switch status {
                case Z_STREAM_END:
                    guard stream.avail_in == 0 else { throw CertificateError("there are bytes after the gzip data") }
                    return output
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress was possible: the input ended before the gzip member did.
                    throw CertificateError("the gzip data is cut short")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                    throw CertificateError("it is not valid gzip data (\(message))")
                }
            }
        }
    }
}
