import CanonicalJSON
import Crypto
import HexEncoding
import MergeCore
import RecordSeals

/// The exported audit trail (protocol/trail.md): JSON lines, each one canonical JSON object, that
/// an accreditation assessor checks without AuditSync's central — every record of the audit with
/// the seals that prove who wrote it, the node keys the central attests, the decisions and the
/// certificates issued on it.
public enum TrailFormat {
    public static let name = "auditsync-audit-trail"
    public static let version = 1
    static let attestationDomain = Array("AuditSync node v1".utf8) + [0]
    /// The fields that say who wrote a change (protocol/schema.md).
    static let authorFields: Set<String> = ["by", "raised_by", "added_by", "recommended_by"]

    /// What the central signs for each node: "this record key is node N's, enrolled for auditor A".
    public static func attestedBytes(node: NodeID, recordKey: [UInt8], auditor: String) -> [UInt8] {
        var bytes = attestationDomain
        withUnsafeBytes(of: node.rawValue.bigEndian) { bytes.append(contentsOf: $0) }
        bytes += recordKey
        bytes += Array(auditor.utf8)
        return bytes
    }

    /// The fields a reader sees beside a record's bytes; they must say what the bytes say.
    public static func readable(_ record: MergeRecord, author: String) -> JSONValue {
        [
            "entity": .string(record.entity), "key": .string(record.key), "field": .string(record.field),
            "value": record.value.json, "written": .string(ISO8601.string(milliseconds: record.timestamp.milliseconds)),
            "author": .string(author), "bytes": .string(Base64URL.encode(record.encoded())),
        ]
    }
}

/// A node as the trail names it.
public struct TrailNode: Equatable, Sendable {
    public let node: NodeID
    public let auditor: String
    public let auditorName: String
    public let recordKey: [UInt8]
    /// The central's Ed25519 signature over `TrailFormat.attestedBytes`.
    public let attestation: [UInt8]

    public init(node: NodeID, auditor: String, auditorName: String, recordKey: [UInt8], attestation: [UInt8]) {
        self.node = node
        self.auditor = auditor
        self.auditorName = auditorName
        self.recordKey = recordKey
        self.attestation = attestation
    }

    public var json: JSONValue {
        ["node": .string(node.hex), "auditor": .string(auditor), "auditor_name": .string(auditorName),
         "record_key": .string(Base64URL.encode(recordKey)), "attestation": .string(Base64URL.encode(attestation))]
    }
}
