import CentralNode
import Certificates
import Foundation

extension DemoScript {
    /// carol (reviewer, not on the team) grants; the certificate, the keys and the status lists
    /// are written as files and checked the way a third party would.
    func runCertificationStep(central: Central, audit: String) throws -> (number: String, status: String) {
        do {
            _ = try central.decide(audit: audit, reviewer: "bob", grant: true, reason: nil)
        } catch {
            say("bob cannot decide: \(error)")
        }
        let decision = try central.decide(audit: audit, reviewer: "carol", grant: true, reason: nil)
        guard let number = decision.certificate else { throw DemoStepError("the grant issued no certificate") }
        let issued = try central.certificate(number)
        say("carol grants: certificate \(number) for \(issued.data.clientName), \(issued.data.standards.map(\.title).joined(separator: ", ")), "
            + "valid \(issued.data.issueDate) to \(issued.data.expiryDate)")
        let files = directory.appendingPathComponent("published")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        let keys = try central.publicKeys().document.encoded(pretty: true)
        try Data((issued.credential + "\n").utf8).write(to: files.appendingPathComponent("\(number).jwt"))
        try Data(keys.utf8).write(to: files.appendingPathComponent("keys.jwks"))
        say("written: \(number).jwt (a W3C credential signed as a JWS with Ed25519), keys.jwks, and the status lists")

        let status = try verify(issued.credential, central: central)
        say("`auditsync verify \(number).jwt --keys keys.jwks --status-list status-list.jwt`: \(status)")
        return (number, status)
    }

    /// What `auditsync verify` says of `credential` with the central's keys and freshly published
    /// status lists (written beside the certificate).
    func verify(_ credential: String, central: Central) throws -> String {
        let files = directory.appendingPathComponent("published")
        let published = try central.signedStatusLists()
        try Data(published.utf8).write(to: files.appendingPathComponent("status-list.jwt"))
        let lists = published.split(whereSeparator: \.isNewline).map(String.init)
        let (status, reason) = CertificateVerifier.check(certificate: credential, keys: try central.publicKeys(),
                                                         statusLists: lists, today: central.todayUTC)
        return status.rawValue + (reason.map { " (\($0))" } ?? "")
    }
}
