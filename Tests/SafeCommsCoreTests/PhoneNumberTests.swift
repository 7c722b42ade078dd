import Testing

@testable import SafeCommsCore

@Suite struct PhoneNumberTests {
    @Test(arguments: [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("+44 (0)7700 900123", "+447700900123"),
        ("0044 7700-900123", "+447700900123"),
        ("024 7683 2222", "+442476832222"),
        ("(01632) 960001", "+441632960001"),
        ("+1 212 555 0100", "+12125550100"),
    ])
    func parsesWhatPeopleWrite(text: String, e164: String) throws {
        #expect(try PhoneNumber(parsing: text, field: "phone").e164 == e164)
    }

    @Test(arguments: ["", "hello", "7700900123", "0770090012", "077009001234567", "07700 900 12x", "+44"])
    func refusesNonNumbers(text: String) {
        #expect(throws: ValidationError.self) { try PhoneNumber(parsing: text, field: "phone") }
        do {
            _ = try PhoneNumber(parsing: text, field: "people[0].phone")
        } catch {
            #expect(error.field == "people[0].phone")
            #expect(!error.reason.isEmpty)
        }
    }
}
