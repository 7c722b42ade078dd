import Testing

@testable import SafeCommsCore

@Suite struct BankHolidaysTests {
    typealias Day = BankHolidays.Day

    // The published GOV.UK lists for England and Wales.
    @Test(arguments: [
        (
            2020,
            [
                Day(2020, 1, 1), Day(2020, 4, 10), Day(2020, 4, 13), Day(2020, 5, 8), Day(2020, 5, 25),
                Day(2020, 8, 31), Day(2020, 12, 25), Day(2020, 12, 28),
            ]
        ),
        (
            2021,
            [
                Day(2021, 1, 1), Day(2021, 4, 2), Day(2021, 4, 5), Day(2021, 5, 3), Day(2021, 5, 31), Day(2021, 8, 30),
                Day(2021, 12, 27), Day(2021, 12, 28),
            ]
        ),
        (
            2022,
            [
                Day(2022, 1, 3), Day(2022, 4, 15), Day(2022, 4, 18), Day(2022, 5, 2), Day(2022, 6, 2), Day(2022, 6, 3),
                Day(2022, 8, 29), Day(2022, 9, 19), Day(2022, 12, 26), Day(2022, 12, 27),
            ]
        ),
        (
            2023,
            [
                Day(2023, 1, 2), Day(2023, 4, 7), Day(2023, 4, 10), Day(2023, 5, 1), Day(2023, 5, 8), Day(2023, 5, 29),
                Day(2023, 8, 28), Day(2023, 12, 25), Day(2023, 12, 26),
            ]
        ),
        (
            2024,
            [
                Day(2024, 1, 1), Day(2024, 3, 29), Day(2024, 4, 1), Day(2024, 5, 6), Day(2024, 5, 27), Day(2024, 8, 26),
                Day(2024, 12, 25), Day(2024, 12, 26),
            ]
        ),
        (
            2025,
            [
                Day(2025, 1, 1), Day(2025, 4, 18), Day(2025, 4, 21), Day(2025, 5, 5), Day(2025, 5, 26),
                Day(2025, 8, 25), Day(2025, 12, 25), Day(2025, 12, 26),
            ]
        ),
        (
            2026,
            [
                Day(2026, 1, 1), Day(2026, 4, 3), Day(2026, 4, 6), Day(2026, 5, 4), Day(2026, 5, 25), Day(2026, 8, 31),
                Day(2026, 12, 25), Day(2026, 12, 28),
            ]
        ),
        (
            2027,
            [
                Day(2027, 1, 1), Day(2027, 3, 26), Day(2027, 3, 29), Day(2027, 5, 3), Day(2027, 5, 31),
                Day(2027, 8, 30), Day(2027, 12, 27), Day(2027, 12, 28),
            ]
        ),
    ])
    func matchesPublishedList(year: Int, expected: [Day]) {
        #expect(BankHolidays.holidays(in: year) == expected)
    }

    @Test func weekdays() {
        #expect(Day(2026, 11, 22).weekday == 0)  // a Sunday
        #expect(Day(2026, 12, 25).weekday == 5)  // a Friday
        #expect(Day(2000, 2, 29).weekday == 2)
    }
}
