import AuditDomain
import AuditReplica
import CanonicalJSON
import CentralNode
import Foundation
import ReplicaStore
import XCTest

/// A certification's whole cycle under a moved clock (libfaketime for the central's processes, the
/// same offset for the audit work written in this process): stage 1, stage 2 and the grant,
/// surveillance 1 and 2, recertification — with findings carried between the teams, the due
/// dates of the programme, decisions by kind and revisions superseding each other.
final class CertificationCycleTests: XCTestCase {
    private var scratch: ScratchDirectory!
    private var data: URL!

    override func setUpWithError() throws {
        scratch = try ScratchDirectory(prefix: "auditsync-cycle")
        data = scratch.appending("central")
        for step: [String] in [
            ["init", "--name", "Example Certification Body"],
            ["auditor", "add", "--id", "alice", "--name", "Alice Martin", "--role", "lead", "--qualified", "iso42001:2023"],
            ["auditor", "add", "--id", "dana", "--name", "Dana Holt", "--role", "lead", "--qualified", "iso42001:2023"],
            ["auditor", "add", "--id", "carol", "--name", "Carol Ng", "--role", "reviewer", "--qualified", "iso42001:2023"],
            ["client", "add", "--name", "Acme AI Ltd", "--site", "1 Main Street, Dublin", "--site", "2 Quai Perrache, Lyon"],
        ] {
            XCTAssertEqual(try central(step).status, 0, "\(step)")
        }
    }

    /// `auditsync central …` with the clock `days` ahead.
    private func central(_ arguments: [String], days: Int = 0) throws -> CLIResult {
        let arguments = ["central"] + arguments + ["--data", data.path]
        return days == 0 ? try CLI.run(arguments) : try CLI.run(shiftedBy: "+\(days)d", arguments)
    }

    private func json(_ arguments: [String], days: Int = 0, client: String? = nil) throws -> [String: Any] {
        if let client { XCTAssertEqual(try central(["client", "add", "--name", client, "--site", "Cork"]).status, 0) }
        let result = try central(arguments + ["--json"], days: days)
        XCTAssertEqual(result.status, 0, "\(result)")
        return try jsonObject(result)
    }

    /// Audit work as `auditor`, written with the clock `days` ahead (the central is closed after).
    private func work(as auditor: String, days: Int, _ body: (AuditReplica) throws -> Void) throws {
        let offset = UInt64(days) * 86_400_000
        let node = try Central(opening: data, now: { ReplicaStore.wallClockMilliseconds() + offset })
        try body(AuditReplica(store: node.store, evidence: node.replica.evidence, actor: auditor))
    }

    private func complete(_ audit: String, as lead: String, days: Int, findings: (AuditReplica) throws -> Void = { _ in }) throws {
        try work(as: lead, days: days) { replica in
            for line in try replica.checklist(audit: audit) where Catalog.standard(line.item.standard)?.certifiable == true {
                try replica.recordResult(audit: audit, item: line.item.description, result: .conform, note: nil)
            }
            try findings(replica)
            try replica.recommend(audit: audit, .grant, note: nil)
        }
    }

    /// Stage 2 for Acme, completed by alice and granted by carol today: the audit and its certificate.
    private func certifyAcme() throws -> (audit: String, certificate: String) {
        let stage2 = try json(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
                               "--scope", "AI hiring assistants", "--lead", "alice"])["id"] as! String
        try complete(stage2, as: "alice", days: 0)
        return (stage2, try json(["decide", "--audit", stage2, "--reviewer", "carol", "--grant"])["certificate"] as! String)
    }

    private func date(_ days: Int) -> String {
        ISO8601.date(milliseconds: ReplicaStore.wallClockMilliseconds() + UInt64(days) * 86_400_000)
    }

    /// `YYYY-MM-DD` plus whole years, as the central counts them (29 February becomes the 28th).
    private enum CalendarDateText {
        static func adding(years: Int, to day: String) -> String {
            var year = Int(day.prefix(4))! + years
            let rest = day.dropFirst(4)
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            if rest == "-02-29" && !leap { return "\(year)-02-28" }
            defer { year = 0 }
            return "\(year)\(rest)"
        }
    }

    private func dueItems(_ programme: [String: Any]) -> [[String: Any]] {
        ((programme["certifications"] as? [[String: Any]])?.first?["due"] as? [[String: Any]]) ?? []
    }

    func testACompleteCycleFromStageOneToRecertification() throws {
        // Stage 1 raises a minor finding the client has not answered yet.
        let stage1 = try json(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage1",
                               "--scope", "AI hiring assistants", "--lead", "alice", "--from", date(0), "--to", date(1)])["id"] as! String
        var stage1Finding = ""
        try work(as: "alice", days: 0) { replica in
            stage1Finding = try replica.addFinding(audit: stage1, item: "iso42001:2023/6.1.2", grade: .minor,
                                                   statement: "AI risk criteria not approved")
        }

        // Stage 2 follows it up: stage 1 is read-only, its finding carried.
        let created = try json(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
                                "--scope", "AI hiring assistants", "--lead", "alice", "--from", date(20), "--to", date(22)])
        let stage2 = created["id"] as! String
        XCTAssertEqual(created["earlier"] as? [String], [stage1])
        XCTAssertEqual(created["carried_findings"] as? Int, 1)
        try work(as: "alice", days: 20) { replica in
            XCTAssertThrowsError(try replica.updateFinding(stage1Finding, FindingUpdate(status: .responded, note: "late"))) { error in
                XCTAssertEqual(error as? DomainError, .auditFrozen(audit: stage1, reason: "followed up by \(stage2) (stage2)"))
            }
        }
        var carried = ""
        try complete(stage2, as: "alice", days: 21) { replica in
            let follow = try replica.carriedFindings(audit: stage2)
            XCTAssertEqual(follow.map(\.origin), ["\(stage1)/\(stage1Finding)"])
            carried = follow[0].id
        }
        // The carried minor counts like the audit's own: not yet accepted, no grant.
        let blocked = try central(["decide", "--audit", stage2, "--reviewer", "carol", "--grant"], days: 22)
        XCTAssertNotEqual(blocked.status, 0)
        XCTAssertTrue(blocked.stderr.contains("minor finding \(carried) (carried from \(stage1)/\(stage1Finding)) is open"), blocked.stderr)
        var stage2Minor = ""
        try work(as: "alice", days: 22) { replica in
            try replica.updateFinding(carried, FindingUpdate(status: .responded, note: "Criteria approved by the board"))
            try replica.updateFinding(carried, FindingUpdate(status: .accepted, note: "Minutes seen"))
            try replica.updateFinding(carried, FindingUpdate(status: .closed, note: "Criteria in use"))
            stage2Minor = try replica.addFinding(audit: stage2, item: "iso42001:2023/7.2", grade: .minor, statement: "Training records incomplete")
            try replica.updateFinding(stage2Minor, FindingUpdate(status: .responded, note: "Records to be completed"))
            try replica.updateFinding(stage2Minor, FindingUpdate(status: .accepted, note: "Plan adequate"))
        }
        let grant = try json(["decide", "--audit", stage2, "--reviewer", "carol", "--grant"], days: 23)
        let number = grant["certificate"] as! String
        let again = try central(["decide", "--audit", stage2, "--reviewer", "carol", "--grant"], days: 23)
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("already decided"), again.stderr)
        let initialDecision = date(23)

        // The programme: the first surveillance within 12 months; overdue a year and more on.
        var due = dueItems(try json(["programme"], days: 30))
        XCTAssertEqual(due.first?["kind"] as? String, "surveillance")
        XCTAssertEqual(due.first?["overdue"] as? Bool, false)
        let firstDue = due.first?["due_by"] as! String
        XCTAssertEqual(firstDue.prefix(4), "\(Int(initialDecision.prefix(4))! + 1)")
        XCTAssertEqual(firstDue.suffix(5), initialDecision.suffix(5))
        due = dueItems(try json(["programme"], days: 23 + 380))
        XCTAssertEqual(due.first?["overdue"] as? Bool, true, "\(due)")
        let status = try central(["status"], days: 23 + 380)
        XCTAssertTrue(status.stdout.hasPrefix("OVERDUE: 1\n  \(number)  Acme AI Ltd  OVERDUE surveillance"), status.stdout)

        // Surveillance 1 by a new lead: no --certificate is refused, then it follows up stage 2.
        let bare = try central(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "surveillance",
                                "--scope", "AI hiring assistants", "--lead", "dana"], days: 300)
        XCTAssertNotEqual(bare.status, 0)
        XCTAssertTrue(bare.stderr.contains("--certificate NUMBER"), bare.stderr)
        let surveillance1 = try json(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "surveillance",
                                      "--certificate", number, "--scope", "AI hiring assistants", "--lead", "dana",
                                      "--from", date(300), "--to", date(301)], days: 300)
        let s1 = surveillance1["id"] as! String
        XCTAssertEqual(surveillance1["earlier"] as? [String], [stage1, stage2])
        XCTAssertEqual(surveillance1["carried_findings"] as? Int, 1, "only stage 2's accepted minor; stage 1's was closed in stage 2")
        XCTAssertEqual((dueItems(try json(["programme"], days: 300)).first)?["planned_audit"] as? String, s1)
        try complete(s1, as: "dana", days: 301) { replica in
            let follow = try replica.carriedFindings(audit: s1)
            XCTAssertEqual(follow.map(\.origin), ["\(stage2)/\(stage2Minor)"])
            XCTAssertEqual(follow.first?.status, .accepted)
            try replica.updateFinding(follow[0].id, FindingUpdate(status: .closed, note: "Training records complete"))
        }
        XCTAssertEqual(try json(["decide", "--audit", s1, "--reviewer", "carol", "--grant"], days: 302)["certificate"] as? String, number)

        // Surveillance 2; then the recertification renews the same number as revision 2.
        let s2 = try json(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "surveillance",
                           "--certificate", number, "--scope", "AI hiring assistants", "--lead", "alice"], days: 650)
        let s2ID = s2["id"] as! String
        XCTAssertEqual(s2["carried_findings"] as? Int, 0)
        try complete(s2ID, as: "alice", days: 651)
        _ = try json(["decide", "--audit", s2ID, "--reviewer", "carol", "--grant"], days: 652)
        due = dueItems(try json(["programme"], days: 700))
        XCTAssertEqual(due.map { $0["kind"] as? String }, ["recertification"], "\(due)")

        let revision1 = scratch.appending("revision1.jwt")
        let keys = scratch.appending("keys.jwks")
        XCTAssertEqual(try central(["certificate", "export", number, "--out", revision1.path]).status, 0)
        XCTAssertEqual(try central(["keys", "export", "--out", keys.path]).status, 0)
        let recert = try json(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "recertification",
                               "--certificate", number, "--scope", "AI hiring assistants and chat assistants", "--lead", "dana"],
                              days: 1000)
        let recertID = recert["id"] as! String
        XCTAssertEqual(recert["earlier"] as? [String], [stage1, stage2, s1, s2ID])
        try complete(recertID, as: "dana", days: 1001)
        _ = try json(["decide", "--audit", recertID, "--reviewer", "carol", "--grant"], days: 1002)

        let shown = try json(["certificate", "show", number], days: 1003)
        XCTAssertEqual(shown["revision"] as? Int, 2)
        XCTAssertEqual(shown["status"] as? String, "active")
        XCTAssertEqual(shown["original_issue"] as? String, initialDecision)
        XCTAssertEqual(shown["scope"] as? String, "AI hiring assistants and chat assistants")
        let firstExpiry = (shown["revisions"] as? [[String: Any]])?.first?["expires"] as? String
        XCTAssertEqual(firstExpiry.map { "\(Int($0.prefix(4))! + 3)" + $0.dropFirst(4) }, shown["expires"] as? String,
                       "three years from the previous expiry")
        XCTAssertEqual((shown["history"] as? [[String: Any]])?.compactMap { $0["event"] as? String },
                       ["issued", "confirmed", "confirmed", "superseded", "renewed"])
        XCTAssertNotNil(shown["document_sha256"])

        // The first revision now verifies as superseded, naming the current one.
        let lists = scratch.appending("status.jwt")
        XCTAssertEqual(try central(["status-list", "export", "--out", lists.path], days: 1003).status, 0)
        let verify = try CLI.run(shiftedBy: "+1003d", ["verify", revision1.path, "--keys", keys.path, "--status-list", lists.path, "--json"])
        XCTAssertEqual(verify.status, 1, "\(verify)")
        let verdict = try jsonObject(verify)
        XCTAssertEqual(verdict["status"] as? String, "superseded")
        XCTAssertTrue((verdict["reason"] as? String)?.contains("revision 2 of \(number)") == true, "\(verdict)")
    }

    func testACalendarYearWithoutSurveillanceIsFlaggedOverdue() throws {
        let number = try certifyAcme().certificate
        let year = Int(date(0).prefix(4))!
        // The first surveillance early in the next calendar year; the year after then needs its own.
        let firstDay = days(until: "\(year + 1)-01-20")
        let s1 = try json(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "surveillance",
                           "--certificate", number, "--scope", "AI hiring assistants", "--lead", "dana"], days: firstDay)["id"] as! String
        try complete(s1, as: "dana", days: firstDay)
        _ = try json(["decide", "--audit", s1, "--reviewer", "carol", "--grant"], days: firstDay)
        let inTime = dueItems(try json(["programme"], days: days(until: "\(year + 2)-12-31")))
        XCTAssertEqual(inTime.first?["what"] as? String, "surveillance of \(year + 2)")
        XCTAssertEqual(inTime.first?["overdue"] as? Bool, false, "due through 31 December")
        let late = dueItems(try json(["programme"], days: days(until: "\(year + 3)-01-01")))
        XCTAssertEqual(late.first?["what"] as? String, "surveillance of \(year + 2)")
        XCTAssertEqual(late.first?["overdue"] as? Bool, true, "\(late)")
        XCTAssertEqual(late.last?["kind"] as? String, "recertification", "the expiry year itself needs none")
    }

    /// Whole days from today (UTC) to `day`.
    private func days(until day: String) -> Int {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let target = formatter.date(from: day)!.timeIntervalSince1970
        let today = formatter.date(from: date(0))!.timeIntervalSince1970
        return Int(((target - today) / 86_400).rounded())
    }

    func testARefusedSurveillanceSuspendsAndAnOverlongSuspensionIsFlagged() throws {
        let number = try certifyAcme().certificate
        let s1 = try json(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "surveillance",
                           "--certificate", number, "--scope", "AI hiring assistants", "--lead", "dana"], days: 200)["id"] as! String
        let noReason = try central(["decide", "--audit", s1, "--reviewer", "carol", "--refuse"], days: 201)
        XCTAssertNotEqual(noReason.status, 0)
        _ = try json(["decide", "--audit", s1, "--reviewer", "carol", "--refuse", "--reason", "AI impact assessments not done"], days: 201)
        let shown = try json(["certificate", "show", number], days: 202)
        XCTAssertEqual(shown["status"] as? String, "suspended")

        var due = dueItems(try json(["programme"], days: 300))
        XCTAssertEqual(due.first { $0["kind"] as? String == "suspension" }?["overdue"] as? Bool, false)
        due = dueItems(try json(["programme"], days: 201 + 190))
        XCTAssertEqual(due.first { $0["kind"] as? String == "suspension" }?["overdue"] as? Bool, true, "\(due)")
    }

    func testARecertificationWithinSixMonthsOfExpiryRestoresTheCertificateAndShowsTheGap() throws {
        let number = try certifyAcme().certificate
        let expiry = try json(["certificate", "show", number])["expires"] as! String
        // Three years and two months on: expired, and the programme says a recertification still restores it.
        let late = 365 * 3 + 60
        XCTAssertEqual(try json(["certificate", "show", number], days: late)["status"] as? String, "expired")
        let due = dueItems(try json(["programme"], days: late))
        XCTAssertEqual(due.map { $0["kind"] as? String }, ["recertification"], "\(due)")
        XCTAssertEqual(due.first?["overdue"] as? Bool, true)
        let recert = try json(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "recertification",
                               "--certificate", number, "--scope", "AI hiring assistants", "--lead", "dana"], days: late)["id"] as! String
        try complete(recert, as: "dana", days: late)
        _ = try json(["decide", "--audit", recert, "--reviewer", "carol", "--grant"], days: late)
        let shown = try json(["certificate", "show", number], days: late)
        XCTAssertEqual(shown["status"] as? String, "active")
        XCTAssertEqual(shown["revision"] as? Int, 2)
        XCTAssertEqual(shown["issued"] as? String, date(late))
        XCTAssertEqual(shown["expires"] as? String, CalendarDateText.adding(years: 3, to: date(late)), "three years from the decision")
        let renewed = (shown["history"] as? [[String: Any]])?.last
        XCTAssertEqual(renewed?["event"] as? String, "renewed")
        XCTAssertTrue((renewed?["reason"] as? String)?.contains("restored after a gap: expired \(expiry)") == true, "\(renewed ?? [:])")

        // Past six months, only a new initial audit certifies again.
        let stage2b = try json(["audit", "create", "--client", "C-0002", "--standard", "iso42001:2023", "--kind", "stage2",
                                "--scope", "x", "--lead", "alice"], client: "Other Ltd")["id"] as! String
        try complete(stage2b, as: "alice", days: 0)
        let other = try json(["decide", "--audit", stage2b, "--reviewer", "carol", "--grant"])["certificate"] as! String
        let lapsed = 365 * 3 + 200
        let tooLate = try json(["audit", "create", "--client", "C-0002", "--standard", "iso42001:2023", "--kind", "recertification",
                                "--certificate", other, "--scope", "x", "--lead", "dana"], days: lapsed)["id"] as! String
        try complete(tooLate, as: "dana", days: lapsed)
        let refused = try central(["decide", "--audit", tooLate, "--reviewer", "carol", "--grant"], days: lapsed)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("more than six months ago"), refused.stderr)
        XCTAssertEqual(dueItems(try json(["programme", "--client", "C-0002"], days: lapsed)).count, 0, "lapsed: nothing is due")
    }

    func testASpecialAuditExtendsTheStandardsAsANewRevisionThatNamesItsDocument() throws {
        XCTAssertEqual(try central(["auditor", "qualify", "--auditor", "dana", "--standard", "iso27001:2022"]).status, 0)
        let number = try certifyAcme().certificate
        let special = try json(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--standard", "iso27001:2022",
                                "--kind", "special", "--certificate", number, "--scope", "AI hiring assistants and their information security",
                                "--lead", "dana"], days: 40)["id"] as! String
        try complete(special, as: "dana", days: 41)
        let decided = try json(["decide", "--audit", special, "--reviewer", "carol", "--grant"], days: 42)
        XCTAssertEqual(decided["certificate"] as? String, number, "the same certificate, a new revision")
        let shown = try json(["certificate", "show", number], days: 42)
        XCTAssertEqual(shown["revision"] as? Int, 2)
        XCTAssertEqual((shown["standards"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, ["iso42001:2023", "iso27001:2022"])
        XCTAssertEqual(shown["audit"] as? String, special)
        XCTAssertEqual((shown["history"] as? [[String: Any]])?.last?["event"] as? String, "extended")
        // The credential names the digest of the document the decision rested on, which is what
        // `audit show --json` prints from now on.
        let decision = try json(["decision", "show", "--audit", special])
        let digest = (decision["decisions"] as? [[String: Any]])?.first?["document_sha256"] as? String
        XCTAssertEqual(shown["document_sha256"] as? String, digest)
        XCTAssertEqual((decision["decisions"] as? [[String: Any]])?.first?["revision"] as? Int, 2)
        let document = try central(["audit", "show", "--audit", special, "--json"]).stdout
        XCTAssertEqual(SHA256Digest.hex(document), digest)

        // The assessor's copy: exported, checked offline, and found wrong once a byte changes.
        let trail = scratch.appending("special.trail.jsonl")
        XCTAssertEqual(try central(["audit", "export", "--audit", special, "--out", trail.path]).status, 0)
        let checked = try CLI.run(["trail", "verify", trail.path, "--json"])
        XCTAssertEqual(checked.status, 0, "\(checked)")
        let verdict = try jsonObject(checked)
        XCTAssertEqual(verdict["document_sha256"] as? String, digest)
        XCTAssertEqual(verdict["certificates"] as? Int, 1)
        var bytes = try Data(contentsOf: trail)
        bytes[bytes.count / 2] ^= 0x04
        try bytes.write(to: trail)
        let altered = try CLI.run(["trail", "verify", trail.path])
        XCTAssertEqual(altered.status, 1)
        XCTAssertTrue(altered.stdout.hasPrefix("does not hold: "), altered.stdout)
    }

    func testCentralCheckFindsADecidedRecordAlteredBehindTheRulesBack() throws {
        let stage2 = try json(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
                               "--scope", "AI hiring assistants", "--lead", "alice"])["id"] as! String
        try complete(stage2, as: "alice", days: 0)
        _ = try json(["decide", "--audit", stage2, "--reviewer", "carol", "--grant"])
        let healthy = try central(["check"])
        XCTAssertEqual(healthy.status, 0, "\(healthy)")
        XCTAssertEqual(healthy.stdout, "ok: the database, 0 evidence files and the documents of 1 decided audit are intact\n")
        // A write that goes around the rules (straight into the store, as a tampered copy would).
        do {
            let node = try Central(opening: data)
            try node.replica.writePlan([FieldWrite(AuditSchema.Entity.audit, stage2, AuditSchema.AuditField.scope, .text("something else"))])
        }
        let altered = try central(["check", "--json"])
        XCTAssertEqual(altered.status, 1)
        let report = try jsonObject(altered)
        XCTAssertEqual(report["decisions"] as? Int, 1)
        let words = (report["altered_decisions"] as? [String])?.first ?? ""
        XCTAssertTrue(words.hasPrefix("audit \(stage2) was decided at ") && words.hasSuffix("its record changed after the decision"), words)
    }

    func testLaterAuditsNameACertificateOfTheirOwnClient() throws {
        XCTAssertEqual(try central(["client", "add", "--name", "Other Ltd", "--site", "Cork"]).status, 0)
        let number = try certifyAcme().certificate
        let other = try central(["audit", "create", "--client", "C-0002", "--standard", "iso42001:2023", "--kind", "surveillance",
                                 "--certificate", number, "--scope", "x", "--lead", "dana"])
        XCTAssertNotEqual(other.status, 0)
        XCTAssertTrue(other.stderr.contains("held by client C-0001, not C-0002"), other.stderr)
        let secondInitial = try central(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage1",
                                         "--scope", "x", "--lead", "dana"])
        XCTAssertNotEqual(secondInitial.status, 0, "never two valid certificates for one certification")
        XCTAssertTrue(secondInitial.stderr.contains("already holds certificate \(number) (active) for iso42001:2023"), secondInitial.stderr)
        let stage2Named = try central(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "stage2",
                                       "--certificate", number, "--scope", "x", "--lead", "dana"])
        XCTAssertNotEqual(stage2Named.status, 0)
        XCTAssertTrue(stage2Named.stderr.contains("starts a certification"), stage2Named.stderr)
        let unknown = try central(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "special",
                                   "--certificate", "CERT-1999-0001", "--scope", "x", "--lead", "dana"])
        XCTAssertNotEqual(unknown.status, 0)
        let badDates = try central(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "surveillance",
                                    "--certificate", number, "--scope", "x", "--lead", "dana", "--from", "2027-03-05", "--to", "2027-03-01"])
        XCTAssertNotEqual(badDates.status, 0)
        XCTAssertTrue(badDates.stderr.contains("before it starts"), badDates.stderr)
        let oneDate = try central(["audit", "create", "--client", "C-0001", "--standard", "iso42001:2023", "--kind", "surveillance",
                                   "--certificate", number, "--scope", "x", "--lead", "dana", "--from", "2027-03-05"])
        XCTAssertNotEqual(oneDate.status, 0)
    }

    func testAReductionMakesANewRevisionAndTheOldOneVerifiesSuperseded() throws {
        let number = try certifyAcme().certificate
        let old = scratch.appending("rev1.jwt")
        let keys = scratch.appending("keys.jwks")
        XCTAssertEqual(try central(["certificate", "export", number, "--out", old.path]).status, 0)
        XCTAssertEqual(try central(["keys", "export", "--out", keys.path]).status, 0)
        let noSuchSite = try central(["certificate", "reduce", number, "--reviewer", "carol", "--reason", "x", "--remove-site", "Paris"])
        XCTAssertNotEqual(noSuchSite.status, 0)
        XCTAssertTrue(noSuchSite.stderr.contains("no site \"Paris\""), noSuchSite.stderr)
        let reduced = try json(["certificate", "reduce", number, "--reviewer", "carol", "--reason", "Lyon site closed",
                                "--remove-site", "2 Quai Perrache, Lyon"])
        XCTAssertEqual(reduced["revision"] as? Int, 2)
        let shown = try json(["certificate", "show", number])
        XCTAssertEqual(shown["sites"] as? [String], ["1 Main Street, Dublin"])
        XCTAssertEqual(try json(["certificate", "list"])["certificates"].map { ($0 as? [Any])?.count }, 1, "one valid revision")
        let lists = scratch.appending("status.jwt")
        XCTAssertEqual(try central(["status-list", "export", "--out", lists.path]).status, 0)
        let verify = try CLI.run(["verify", old.path, "--keys", keys.path, "--status-list", lists.path])
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.stdout.hasPrefix("superseded: revision 1 of \(number) was replaced by revision 2 of \(number)"), verify.stdout)
        let current = scratch.appending("rev2.jwt")
        XCTAssertEqual(try central(["certificate", "export", number, "--out", current.path]).status, 0)
        XCTAssertEqual(try CLI.run(["verify", current.path, "--keys", keys.path, "--status-list", lists.path]).status, 0)
    }
}
