import Glibc

/// Writes every byte of `bytes` to `descriptor`, going on after short writes and signals; nil
/// when done, else the system's words for why not. Backups and restores write with it.
func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return String(cString: strerror(errno)) }
        offset += written
    }
    return nil
}
