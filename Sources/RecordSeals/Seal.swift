import Crypto
import MergeCore

/// A node's signature over a run of its records of one audit: "my records of `scope`, numbered
/// `first` … `first + count - 1`, take my chain from `previous` to `head`". Anyone holding the
/// node's public key checks it; together with the records it proves who wrote them and that none
/// was dropped, altered or reordered. The writer seals every change as it writes it, so a record
/// altered on its disk afterwards no longer verifies (protocol/signatures.md).
public struct Seal: Equatable, Sendable {
    public let node: NodeID
    public let scope: String
    /// The chain position of the first record covered (1 for the first record of the audit).
    public let first: UInt64
    public let count: UInt32
    public let previous: [UInt8]
    public let head: [UInt8]
    /// Ed25519 over `signedBytes`.
    public let signature: [UInt8]

    public static let signatureLength = 64
    /// At most this many records in one seal (a change writes a few; the central's own large
    /// writes are sealed in runs of this size).
    public static let maximumCount: UInt32 = 4096
    static let domain = Array("AuditSync seal v1".utf8) + [0]

    public init(node: NodeID, scope: String, first: UInt64, count: UInt32, previous: [UInt8], head: [UInt8], signature: [UInt8]) {
        self.node = node
        self.scope = scope
        self.first = first
        self.count = count
        self.previous = previous
        self.head = head
        self.signature = signature
    }

    /// What the signature covers: the domain, then node, scope, first, count, previous, head.
    public var signedBytes: [UInt8] {
        Self.signedBytes(node: node, scope: scope, first: first, count: count, previous: previous, head: head)
    }

    static func signedBytes(node: NodeID, scope: String, first: UInt64, count: UInt32, previous: [UInt8], head: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        writer.writeBytes(domain)
        writeFields(node: node, scope: scope, first: first, count: count, previous: previous, head: head, into: &writer)
        return writer.bytes
    }

    /// The seal's fields before its signature: what the encoding holds and the signature covers.
    static func writeFields(node: NodeID, scope: String, first: UInt64, count: UInt32, previous: [UInt8], head: [UInt8],
                            into writer: inout ByteWriter) {
        writer.writeUInt64(node.rawValue)
        writer.writeString(scope)
        writer.writeUInt64(first)
        writer.writeUInt32(count)
        writer.writeBytes(previous)
        writer.writeBytes(head)
    }

    /// The last chain position covered.
    public var last: UInt64 { first + UInt64(count) - 1 }
}

/// A node's record-signing key (Ed25519), kept in its data directory beside its Noise key.
public struct RecordSigningKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    public init(rawRepresentation: [UInt8]) throws {
        key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
    }

    public static func generate() -> RecordSigningKey { RecordSigningKey(key: .init()) }

    init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    public var rawRepresentation: [UInt8] { Array(key.rawRepresentation) }
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    /// Seals the records of `scope` that took `chain` from `previous` (its state before them)
    /// to where it is now.
    public func seal(from previous: RecordChain, to chain: RecordChain) throws -> Seal {
        precondition(chain.node == previous.node && chain.scope == previous.scope && chain.count > previous.count)
        let count = UInt32(chain.count - previous.count)
        let bytes = Seal.signedBytes(node: chain.node, scope: chain.scope, first: previous.count + 1, count: count,
                                     previous: previous.head, head: chain.head)
        return Seal(node: chain.node, scope: chain.scope, first: previous.count + 1, count: count, previous: previous.head,
                    head: chain.head, signature: Array(try key.signature(for: bytes)))
    }
}

/// Why a sealed run of records does not verify, in words naming the node.
public struct SealError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Seal {
    /// Checks that `records` (canonical encodings, in chain order) are exactly what this seal
    /// covers, continuing `chain`, signed by `publicKey`; returns the chain after them.
    public func verify(records: [[UInt8]], continuing chain: RecordChain, publicKey: [UInt8]) throws(SealError) -> RecordChain {
        let who = "node \(node.hex)"
        guard chain.node == node, chain.scope == scope else { throw SealError("a seal of \(who) for \(scope) does not belong to this chain") }
        guard first == chain.count + 1 else {
            throw SealError(first <= chain.count
                ? "records \(first)–\(last) of \(who) in \(scope) were already received (replayed)"
                : "records \(chain.count + 1)–\(first - 1) of \(who) in \(scope) are missing before these")
        }
        guard previous == chain.head else {
            throw SealError("\(who)'s records in \(scope) do not continue the chain held here (its earlier records differ)")
        }
        guard records.count == Int(count) else {
            throw SealError("\(who) sealed \(count) records of \(scope) from \(first), and \(records.count) came")
        }
        var next = chain
        for record in records { next.append(encoded: record) }
        guard next.head == head else {
            throw SealError("\(who)'s records \(first)–\(last) in \(scope) are not the ones it signed (altered, dropped or reordered)")
        }
        guard verifiesSignature(publicKey: publicKey) else {
            throw SealError("the signature on \(who)'s records \(first)–\(last) in \(scope) does not verify with its registered key")
        }
        return next
    }
}

extension Seal {
    /// The signature alone, for a withheld run whose records are not at hand.
    public func verifiesSignature(publicKey: [UInt8]) -> Bool {
        verifyEd25519(signature, over: signedBytes, publicKey: publicKey)
    }
}

extension Seal {
    /// Checks `records` against this seal alone, folding from its own `previous` head: whether
    /// they are the records the node signed, whatever came before them in the chain.
    public func verifyAlone(records: [[UInt8]], publicKey: [UInt8]) throws(SealError) {
        _ = try verify(records: records, continuing: RecordChain(node: node, scope: scope, count: first - 1, head: previous),
                       publicKey: publicKey)
    }
}

extension RecordSigningKey {
    /// An Ed25519 signature over `bytes` (the central attests node keys in an exported trail).
    public func sign(_ bytes: [UInt8]) throws -> [UInt8] { Array(try key.signature(for: bytes)) }
}

/// Whether `signature` is `publicKey`'s Ed25519 signature over `bytes`.
public func verifyEd25519(_ signature: [UInt8], over bytes: [UInt8], publicKey: [UInt8]) -> Bool {
    guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
    return key.isValidSignature(signature, for: bytes)
}
