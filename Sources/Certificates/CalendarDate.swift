/// A calendar date written `YYYY-MM-DD` (UTC), as certificates carry them. Only real dates parse
/// (no 2026-02-29, no 2026-13-01); two dates compare as their texts do, which is why the year must
/// have exactly four digits.
public struct CalendarDate: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            year >= 1, (1...12).contains(month), day >= 1, day <= CalendarDate.days(inMonth: month, of: year)
        else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// The first moment of the day, as an XML Schema dateTime (the form VC `validFrom` takes).
    var startOfDay: String { "\(description)T00:00:00Z" }

    /// The last second of the day: a certificate is valid through its expiry date.
    var endOfDay: String { "\(description)T23:59:59Z" }

    public static func < (left: CalendarDate, right: CalendarDate) -> Bool {
        (left.year, left.month, left.day) < (right.year, right.month, right.day)
    }

    public init(year: Int, month: Int, day: Int) {
        (self.year, self.month, self.day) = (year, month, min(day, CalendarDate.days(inMonth: month, of: year)))
    }

    /// The same day `months` later (or earlier), or the month's last day when it is shorter:
    /// 31 August plus six months is 28 (or 29) February; 29 February plus a year is 28 February.
    public func adding(months: Int) -> CalendarDate {
        let total = year * 12 + (month - 1) + months
        return CalendarDate(year: total / 12, month: total % 12 + 1, day: day)
    }

    public func adding(years: Int) -> CalendarDate { adding(months: 12 * years) }

    /// The last day of this date's year.
    public var endOfYear: CalendarDate { CalendarDate(year: year, month: 12, day: 31) }

    static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
