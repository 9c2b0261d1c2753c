import AuditDomain
import Certificates
import CentralNode
import XCTest

/// The programme's date rules (SPEC §2.1) on plain dates: no clock, no storage.
final class DueRulesTests: XCTestCase {
    private func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

    private func rules(initial: String = "2026-03-10", expiry: String = "2029-03-10", status: CertificateStatus = .active,
                       suspendedOn: String? = nil, decided: [(AuditKind, String)] = []) -> DueRules {
        DueRules(initialDecision: day(initial), expiry: day(expiry), status: status, suspendedOn: suspendedOn.map(day),
                 decided: decided.map { DueRules.Decided(kind: $0.0, on: day($0.1)) })
    }

    private func summary(_ items: [DueItem]) -> [String] {
        items.map { "\($0.kind.rawValue) \($0.dueBy)\($0.overdue ? " overdue" : "")" }
    }

    func testTheFirstSurveillanceIsDueWithinTwelveMonthsOfTheInitialDecision() {
        XCTAssertEqual(summary(rules().due(today: day("2026-04-01"))),
                       ["surveillance 2027-03-10", "surveillance 2028-12-31", "recertification 2029-03-10"])
        XCTAssertEqual(summary(rules().due(today: day("2027-03-10"))).first, "surveillance 2027-03-10", "due through its last day")
        XCTAssertEqual(summary(rules().due(today: day("2027-03-11"))).first, "surveillance 2027-03-10 overdue")
    }

    func testEveryCalendarYearButTheRecertificationYearNeedsASurveillance() {
        let done = rules(decided: [(.surveillance, "2027-02-01")])
        XCTAssertEqual(summary(done.due(today: day("2027-06-01"))), ["surveillance 2028-12-31", "recertification 2029-03-10"])
        XCTAssertEqual(summary(done.due(today: day("2029-01-02"))), ["surveillance 2028-12-31 overdue", "recertification 2029-03-10"])
        let both = rules(decided: [(.surveillance, "2027-02-01"), (.surveillance, "2028-02-01")])
        XCTAssertEqual(summary(both.due(today: day("2028-06-01"))), ["recertification 2029-03-10"])
        // A first surveillance in the decision year itself leaves the next year still to cover.
        let early = rules(initial: "2026-01-10", expiry: "2029-01-10", decided: [(.surveillance, "2026-12-01")])
        XCTAssertEqual(summary(early.due(today: day("2026-12-02"))),
                       ["surveillance 2027-12-31", "surveillance 2028-12-31", "recertification 2029-01-10"])
    }

    func testALaterCycleCountsCalendarYearsOnly() {
        // Renewed from 2029-03-10 to 2032-03-10: 2030 and 2031 need a surveillance.
        let renewed = rules(expiry: "2032-03-10", decided: [(.surveillance, "2027-02-01"), (.surveillance, "2028-02-01"),
                                                            (.recertification, "2029-02-01")])
        XCTAssertEqual(summary(renewed.due(today: day("2029-06-01"))),
                       ["surveillance 2030-12-31", "surveillance 2031-12-31", "recertification 2032-03-10"])
    }

    func testAnExpiredCertificateStaysDueForSixMonthsThenLapses() {
        let expired = rules(decided: [(.surveillance, "2027-02-01"), (.surveillance, "2028-02-01")])
        let items = expired.due(today: day("2029-05-01"))
        XCTAssertEqual(summary(items), ["recertification 2029-03-10 overdue"])
        XCTAssertTrue(items[0].what.contains("restores it"), items[0].what)
        XCTAssertEqual(expired.due(today: day("2029-09-10")).count, 1, "restorable through the sixth month")
        XCTAssertEqual(summary(rules().due(today: day("2029-05-01"))), ["recertification 2029-03-10 overdue"],
                       "once expired, the cycle's missed surveillances no longer matter")
        XCTAssertEqual(expired.due(today: day("2029-09-11")), [], "lapsed: only a new initial audit certifies again")
    }

    func testASuspensionMustEndWithinSixMonths() {
        let suspended = rules(status: .suspended, suspendedOn: "2027-08-31", decided: [(.surveillance, "2027-02-01")])
        XCTAssertEqual(summary(suspended.due(today: day("2027-09-01"))),
                       ["suspension 2028-02-29", "surveillance 2028-12-31", "recertification 2029-03-10"])
        XCTAssertEqual(summary(suspended.due(today: day("2028-03-01"))).first, "suspension 2028-02-29 overdue")
    }

    func testAWithdrawnCertificationHasNothingDue() {
        XCTAssertEqual(rules(status: .withdrawn).due(today: day("2027-06-01")), [])
    }

    func testCalendarArithmeticKeepsTheDayOrTheMonthsLastDay() {
        XCTAssertEqual(day("2026-08-31").adding(months: 6).description, "2027-02-28")
        XCTAssertEqual(day("2028-02-29").adding(years: 1).description, "2029-02-28")
        XCTAssertEqual(day("2026-12-15").adding(months: 1).description, "2027-01-15")
        XCTAssertEqual(day("2027-01-15").adding(months: -2).description, "2026-11-15")
    }
}
