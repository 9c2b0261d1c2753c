import ArgumentParser
import CanonicalJSON
import CentralNode
import Certificates
import FieldNode
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a certificate: genuine, and active today? Exit 0 only if both.",
        discussion: """
            FILE is the signed certificate (`central certificate export`). The keys come from \
            --keys (the JWK Set of `central keys export`), else from --data: the central's own, \
            or those a field node received at its last `field sync`. The status comes from \
            --status-list (`central status-list export`), else from --data the same way; without \
            any, only the signature and dates are checked, and it says so. \
            Prints one of active, suspended, withdrawn, expired, invalid, and why when not active. \
            Works offline.

            Example:
              auditsync verify CERT-2026-0001.jwt --keys keys.jwks --status-list status-list.jwt
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The certificate (compact JWS).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("The issuer's JWK Set.", valueName: "jwks"))
    var keys: String?

    @Option(name: .customLong("status-list"), help: ArgumentHelp("The signed status lists.", valueName: "file"))
    var statusList: String?

    func run() throws {
        let certificate = try Self.read(file, what: "certificate")
        // Without files, what the data directory holds: a central's own keys and lists, or what
        // a field node received at its last sync.
        let local = keys == nil || statusList == nil ? try localPublications() : nil
        let jwks: JWKSet
        if let keys {
            jwks = try parsingFile { try JWKSet(parsing: try Self.read(keys, what: "JWK Set")) }
        } else if let local {
            jwks = try parsingFile { try JWKSet(parsing: local.keys) }
        } else {
            throw ValidationError("no keys to check against: pass --keys with the issuer's JWK Set (`central keys export`)")
        }
        let lists: [String]
        if let statusList {
            lists = try Self.read(statusList, what: "status list").split(whereSeparator: \.isNewline).map(String.init)
        } else {
            lists = local?.statusLists ?? []
        }
        let today = ISO8601.date(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000))
        let (status, reason) = CertificateVerifier.check(certificate: certificate, keys: jwks, statusLists: lists, today: today)
        var document: [String: JSONValue] = ["status": .string(status.rawValue)]
        if let reason { document["reason"] = .string(reason) }
        global.emit(.object(document), text: status.rawValue + (reason.map { ": \($0)" } ?? ""))
        if status != .active { throw ExitCode(1) }
    }

    private func localPublications() throws -> (keys: String, statusLists: [String])? {
        if let central = try? global.openCentral() {
            return (try central.publicKeys().document.encoded(pretty: false),
                    try central.signedStatusLists().split(whereSeparator: \.isNewline).map(String.init))
        }
        return try? FieldNode(at: global.dataDirectory).publications()
    }

    private static func read(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: (path as NSString).expandingTildeInPath) else {
            throw FileOutput.Failure(description: "cannot read the \(what) \(path)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func parsingFile<T>(_ parse: () throws -> T) throws -> T {
        do { return try parse() } catch { throw FileOutput.Failure(description: "\(error)") }
    }
}
