import ArgumentParser
import CanonicalJSON
import CentralNode
import Certificates
import Foundation

struct CentralCertificates: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "List, show, reduce, suspend, reinstate, withdraw and export certificates.",
        subcommands: [List.self, Show.self, Reduce.self, Suspend.self, Reinstate.self, Withdraw.self, Export.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every certificate with its status today.",
                                                        discussion: "Example:\n  auditsync central certificate list --json")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let central = try global.openCentral()
            let today = central.todayUTC
            let certificates = try central.certificates()
            global.emit(["certificates": .array(certificates.map { $0.json(today: today) })],
                        text: certificates.isEmpty ? "no certificates issued yet" : certificates.map { certificate in
                            "\(certificate.data.number)  \(certificate.status(today: today).rawValue)  \(certificate.data.clientName)  "
                                + "\(certificate.data.standards.map(\.id).joined(separator: ", "))  until \(certificate.data.expiryDate)"
                        }.joined(separator: "\n"))
        }
    }

    struct Suspend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend an active certificate (reinstate lifts it).",
            discussion: "Example:\n  auditsync central certificate suspend CERT-2026-0001 --reason \"surveillance audit overdue\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The certificate number.") var number: String
        @Option(help: "Why (shown by certificate show).") var reason: String

        func run() throws {
            try global.openCentral().suspendCertificate(number, reason: reason)
            global.emit(["certificate": .string(number), "status": "suspended"], text: "certificate \(number) suspended")
        }
    }

    struct Reinstate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift a suspension.",
                                                        discussion: "Example:\n  auditsync central certificate reinstate CERT-2026-0001")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The certificate number.") var number: String

        func run() throws {
            try global.openCentral().reinstateCertificate(number)
            global.emit(["certificate": .string(number), "status": "active"], text: "certificate \(number) is active again")
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a certificate for good.",
            discussion: "Example:\n  auditsync central certificate withdraw CERT-2026-0001 --reason \"client left the scheme\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The certificate number.") var number: String
        @Option(help: "Why (shown by certificate show).") var reason: String

        func run() throws {
            try global.openCentral().withdrawCertificate(number, reason: reason)
            global.emit(["certificate": .string(number), "status": "withdrawn"], text: "certificate \(number) withdrawn")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a certificate: the signed credential (JWS), or a printable HTML page.",
            discussion: """
                Example:
                  auditsync central certificate export CERT-2026-0001 --out CERT-2026-0001.jwt
                  auditsync central certificate export CERT-2026-0001 --format html --out CERT-2026-0001.html
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The certificate number.") var number: String
        @Option(help: "jws (default) or html.") var format = "jws"
        @Option(help: ArgumentHelp("The file to write.", valueName: "file")) var out: String

        func validate() throws {
            guard ["jws", "html"].contains(format) else { throw ValidationError("--format is jws or html, not '\(format)'") }
        }

        func run() throws {
            let central = try global.openCentral()
            let certificate = try central.certificate(number)
            let text = format == "html"
                ? CertificateHTML.render(certificate.data, status: certificate.status(today: central.todayUTC))
                : certificate.credential + "\n"
            let path = try FileOutput.write(text, to: out)
            global.emit(["out": .string(path), "format": .string(format)], text: "wrote certificate \(number) (\(format)) to \(path)")
        }
    }
}

extension IssuedCertificate {
    func json(today: String) -> JSONValue {
        var object: [String: JSONValue] = [
            "number": .string(data.number), "status": .string(status(today: today).rawValue),
            "client": .string(data.clientName), "sites": .array(data.sites.map(JSONValue.string)), "scope": .string(data.scope),
            "standards": .array(data.standards.map { ["id": .string($0.id), "title": .string($0.title)] }),
            "issued": .string(data.issueDate), "original_issue": .string(data.originalIssueDate),
            "expires": .string(data.expiryDate), "revision": .int(data.revision), "audit": .string(data.audit),
        ]
        if let statusReason { object["reason"] = .string(statusReason) }
        if let digest = data.documentSHA256 { object["document_sha256"] = .string(digest) }
        return .object(object)
    }
}
