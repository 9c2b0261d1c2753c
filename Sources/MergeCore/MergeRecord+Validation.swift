extension MergeRecord {
    /// Checks the limits the binary format enforces, for records built in memory rather than
    /// decoded, so that nothing the replica stores could not also cross the wire.
    public func validate() throws(DecodingError) {
        func check(_ text: String, _ name: String, _ limit: Int) throws(DecodingError) {
            let count = text.utf8.count
            if count == 0 { throw .malformed("\(name) is empty", at: 0) }
            if count > limit { throw .malformed("\(name) is \(count) bytes, more than the limit of \(limit)", at: 0) }
        }
        try check(entity, "entity", Limits.entityBytes)
        try check(key, "key", Limits.keyBytes)
        try check(field, "field", Limits.fieldBytes)
        if case .text(let text) = value, text.utf8.count > Limits.textBytes {
            throw .malformed("text value is more than the limit of \(Limits.textBytes) bytes", at: 0)
        }
        if seen.count > Limits.seenCount {
            throw .malformed("\(seen.count) seen timestamps, more than the limit of \(Limits.seenCount)", at: 0)
        }
        if let latest = seen.last, !(latest < timestamp) {
            throw .malformed("a seen timestamp is not earlier than the record's own", at: 0)
        }
    }
}
