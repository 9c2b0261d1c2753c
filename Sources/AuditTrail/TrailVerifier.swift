import AuditReplica
import CanonicalJSON
import Certificates
import Crypto
import Foundation
import HexEncoding
import MergeCore
import RecordSeals
import ReplicaStore

/// What checking a trail found.
public struct TrailReport: Sendable {
    public var audit = ""
    /// The central's record key as the trail names it: the assessor compares it with the one the
    /// certification body publishes.
    public var centralKey = ""
    public var nodes = 0
    public var runs = 0
    public var records = 0
    public var withheld = 0
    public var decisions = 0
    public var certificates = 0
    /// SHA-256 of the audit document rebuilt from the trail's records.
    public var documentSHA256 = ""
    /// Every problem, naming its line; empty when everything holds.
    public var problems: [String] = []

    public var holds: Bool { problems.isEmpty }
}

/// Checks an exported trail with nothing but its own bytes (protocol/trail.md): every line
/// canonical JSON; every node key attested by the central; every run continuing its chain,
/// hashing to its seal, signed by its node; every record's readable fields what its bytes say,
/// its author the node's auditor; the audit document rebuilt from the records, its SHA-256 the
/// one the trail, the decisions and the certificates name.
public enum TrailVerifier {
    public static func verify(_ text: String) -> TrailReport {
        var report = TrailReport()
        func problem(_ line: Int, _ what: String) { report.problems.append("line \(line): \(what)") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.last == "" else {
            report.problems.append("the file does not end with a line break (cut short?)")
            return report
        }
        lines.removeLast()
        var values: [JSONValue] = []
        // Base64url as the exporter writes it: one spelling per byte string (the last character's
        // unused bits zero), so a changed character never reads as the same bytes.
        func bytes(_ value: JSONValue?) -> [UInt8]? {
            guard case .string(let text)? = value, let decoded = Base64URL.decode(text), Base64URL.encode(decoded) == text else { return nil }
            return decoded
        }
        for (index, line) in lines.enumerated() {
            do {
                let value = try JSONReader.parse(line)
                if value.encoded(pretty: false) != line { problem(index + 1, "not in canonical form: a byte was changed, added or moved") }
                values.append(value)
            } catch {
                problem(index + 1, "not JSON: \(error)")
                return report
            }
        }
        guard let header = values.first, header["trail"] == .string(TrailFormat.name), header["version"] == .int(TrailFormat.version),
              case .string(let audit)? = header["audit"], case .string(let keyText)? = header["central"]?["record_key"],
              let centralKey = bytes(header["central"]?["record_key"]), case .string(let centralHex)? = header["central"]?["node"],
              let centralNode = NodeID(hex: centralHex)
        else {
            report.problems.append("line 1: not the header of an AuditSync audit trail (version \(TrailFormat.version))")
            return report
        }
        // The central's signature over everything before the last line.
        guard values.count >= 2, let signature = bytes(values.last?["signature"]) else {
            report.problems.append("line \(values.count): the trail ends without the central's signature (cut short?)")
            return report
        }
        let body = lines.dropLast().joined(separator: "\n") + "\n"
        if !verifyEd25519(signature, over: Array(body.utf8), publicKey: centralKey) {
            problem(values.count, "the central's signature over lines 1–\(values.count - 1) does not verify: the file was changed after export")
        }
        values.removeLast()
        report.audit = audit
        report.centralKey = keyText

        var writers: [NodeID: (auditor: String, key: [UInt8])] = [:]
        var chains: [String: RecordChain] = [:]
        var records: [MergeRecord] = []
        var keys: JWKSet?
        var named: [(line: Int, what: String, digest: String)] = []
        var documentLine: (line: Int, digest: String)?
        for (offset, value) in values.enumerated().dropFirst() {
            let line = offset + 1
            if let node = value["node"] {
                guard case .string(let hex)? = node["node"], let id = NodeID(hex: hex), case .string(let auditor)? = node["auditor"],
                      let key = bytes(node["record_key"]), let attestation = bytes(node["attestation"])
                else { problem(line, "a node line without its node, auditor, record key and attestation"); continue }
                guard verifyEd25519(attestation, over: TrailFormat.attestedBytes(node: id, recordKey: key, auditor: auditor), publicKey: centralKey)
                else { problem(line, "the central's attestation of node \(hex) (\(auditor)) does not verify"); continue }
                if id == centralNode, key != centralKey { problem(line, "the central's own record key differs from the header's") }
                writers[id] = (auditor, key)
                report.nodes += 1
            } else if let run = value["run"] {
                guard let sealBytes = bytes(run["seal"]), let seal = try? Seal(decoding: sealBytes), let entries = run["records"]?.elements
                else { problem(line, "a run without a readable seal and records"); continue }
                guard let writer = writers[seal.node] else { problem(line, "a run of node \(seal.node.hex), which no node line names"); continue }
                guard seal.scope == audit else { problem(line, "a run of another audit (\(seal.scope))"); continue }
                let chainKey = "\(seal.node.rawValue)"
                let chain = chains[chainKey] ?? RecordChain(node: seal.node, scope: audit)
                report.runs += 1
                if case .string? = run["withheld"] {
                    guard seal.first == chain.count + 1, seal.previous == chain.head, seal.verifiesSignature(publicKey: writer.key) else {
                        problem(line, "a withheld run of node \(seal.node.hex) that does not continue its chain or is not signed by it"); continue
                    }
                    chains[chainKey] = RecordChain(node: seal.node, scope: audit, count: seal.last, head: seal.head)
                    report.withheld += 1
                    continue
                }
                var decoded: [MergeRecord] = []
                for (index, entry) in entries.enumerated() {
                    guard let encoded = bytes(entry["bytes"]), let record = try? MergeRecord(decoding: encoded)
                    else { problem(line, "record \(index + 1) has no readable bytes"); continue }
                    // Authorship from keys: a laptop's record names its own auditor, never another
                    // (the central's carried findings keep the original finder, which is theirs to copy).
                    if TrailFormat.authorFields.contains(record.field), seal.node != centralNode, record.value.text != writer.auditor {
                        problem(line, "record \(index + 1) (\(record.key) \(record.field)) claims \(record.value.text ?? "nobody") wrote it, "
                            + "but node \(seal.node.hex) belongs to \(writer.auditor)")
                    }
                    if TrailFormat.readable(record, author: writer.auditor) != entry {
                        problem(line, "record \(index + 1) (\(record.key) \(record.field)): its readable fields or author do not say what its signed bytes say")
                    }
                    decoded.append(record)
                }
                do {
                    chains[chainKey] = try seal.verify(records: decoded.map { $0.encoded() }, continuing: chain, publicKey: writer.key)
                } catch {
                    problem(line, "\(error)")
                    chains[chainKey] = RecordChain(node: seal.node, scope: audit, count: seal.last, head: seal.head)
                }
                records += decoded
                report.records += decoded.count
            } else if let decision = value["decision"] {
                report.decisions += 1
                if case .string(let digest)? = decision["document_sha256"] { named.append((line, "the decision", digest)) }
            } else if value["keys"] != nil {
                keys = try? JWKSet(parsing: value["keys"]!.encoded(pretty: false))
                if keys == nil { problem(line, "the key set does not read as a JWK Set") }
            } else if let certificate = value["certificate"] {
                report.certificates += 1
                guard case .string(let jws)? = certificate["jws"], let keys, let verified = try? JWS.verify(jws, keys: keys) else {
                    problem(line, "the certificate does not verify with the trail's key set"); continue
                }
                if case .string(let digest)? = verified.payload["credentialSubject"]?["auditDocumentSHA256"] {
                    named.append((line, "the certificate", digest))
                }
                if verified.payload["credentialSubject"]?["audit"] != .string(audit) { problem(line, "a certificate issued on another audit") }
            } else if case .string(let digest)? = value["document_sha256"] {
                documentLine = (line, digest)
            } else {
                problem(line, "a line of no known kind")
            }
        }

        // The document, rebuilt from the verified records alone — once everything else holds
        // (a trail already found wrong is not worth rebuilding, and the digest would say no more).
        guard report.problems.isEmpty else { return report }
        do {
            report.documentSHA256 = try rebuiltDigest(audit: audit, records: records)
        } catch {
            report.problems.append("the audit document cannot be rebuilt from the records: \(error)")
            return report
        }
        guard let documentLine else {
            report.problems.append("the trail ends without the document's SHA-256 (cut short?)")
            return report
        }
        if documentLine.digest != report.documentSHA256 {
            problem(documentLine.line, "the records rebuild a document with SHA-256 \(report.documentSHA256), not the \(documentLine.digest) named")
        }
        for (line, what, digest) in named where digest != report.documentSHA256 {
            problem(line, "\(what) names the document \(digest); the records rebuild \(report.documentSHA256)")
        }
        return report
    }

    /// SHA-256 of the canonical document the records give, as `audit show --json` prints it.
    static func rebuiltDigest(audit: String, records: [MergeRecord]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("auditsync-trail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Records of any age: the trail is checked long after they were written.
        let store = try ReplicaStore(path: directory.appendingPathComponent("trail.sqlite").path, create: true,
                                     maxSkewMilliseconds: UInt64.max / 4)
        let report = try store.apply(records)
        guard report.rejected.isEmpty else { throw TrailError("\(report.rejected.count) records do not apply: \(report.rejected[0].reason)") }
        let replica = AuditReplica(store: store, evidence: EvidenceStore(root: directory.appendingPathComponent("blobs")), actor: "trail")
        let bytes = Array((try replica.document(audit: audit).encoded(pretty: true) + "\n").utf8)
        return Hex.encode(SHA256.hash(data: bytes))
    }
}

struct TrailError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
