import Crypto
import MergeCore

/// Where one node's records of one audit stand: how many there are and the hash that links them
/// all (SPEC §3: no record of a node can be dropped, altered or reordered within an audit without
/// detection). Pure: bytes in, hashes out.
///
///     head₀ = SHA-256("AuditSync chain v1" ‖ 0x00 ‖ node (u64 BE) ‖ scope (UTF-8))
///     headₙ = SHA-256(headₙ₋₁ ‖ SHA-256(encoding of record n))
///
/// A record's encoding is its canonical bytes (protocol/records.md), so one changed bit anywhere
/// changes every head after it; a dropped or reordered record changes the fold too.
public struct RecordChain: Equatable, Sendable {
    public let node: NodeID
    /// The audit: the part of a key before its first `/`.
    public let scope: String
    /// Records folded in so far.
    public private(set) var count: UInt64
    public private(set) var head: [UInt8]

    public static let hashLength = 32

    /// A chain with no record yet.
    public init(node: NodeID, scope: String) {
        self.node = node
        self.scope = scope
        count = 0
        head = Self.genesis(node: node, scope: scope)
    }

    /// A chain where a stored state left it.
    public init(node: NodeID, scope: String, count: UInt64, head: [UInt8]) {
        self.node = node
        self.scope = scope
        self.count = count
        self.head = head
    }

    public static func genesis(node: NodeID, scope: String) -> [UInt8] {
        var bytes = Array("AuditSync chain v1".utf8)
        bytes.append(0)
        withUnsafeBytes(of: node.rawValue.bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array(scope.utf8))
        return Array(SHA256.hash(data: bytes))
    }

    /// Folds in one record, given by its canonical encoding.
    public mutating func append(encoded record: [UInt8]) {
        var hasher = SHA256()
        hasher.update(data: head)
        hasher.update(data: Array(SHA256.hash(data: record)))
        head = Array(hasher.finalize())
        count += 1
    }

    public mutating func append(_ record: MergeRecord) {
        append(encoded: record.encoded())
    }
}
