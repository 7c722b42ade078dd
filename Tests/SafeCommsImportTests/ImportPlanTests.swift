import Foundation
import SafeCommsCore
import Testing

@testable import SafeCommsImport

/// What an import makes of each item (sides, times, natural keys) and how a bill is compared with the
/// records, called directly: no store, no server.
@Suite struct ImportPlanTests {
    static let zone = TimeZone(identifier: "Europe/London")!
    let worker = UUID(), child = UUID(), parent = UUID(), caseID = UUID()

    var sides: ImportSides {
        ImportSides(
            matcher: ParticipantMatcher(
                people: [.init(id: child, name: "Kai Turner"), .init(id: parent, name: "Sam Turner")],
                staff: [.init(id: worker, name: "Priya Shah", email: "priya.shah@example.gov.uk")]
            ),
            personIDs: [child, parent],
            importerID: worker
        )
    }

    func message(_ line: Int, _ sender: String, _ text: String, minute: Int = 15) -> ImportItem {
        let at = LocalDateTime(year: 2026, month: 3, day: 12, hour: 9, minute: minute)
        return ImportItem(whatsapp: ImportedMessage(line: line, at: at, sender: sender, text: text, kind: .text))!
    }

    func planner(chatPerson: UUID? = nil) -> ImportPlanner {
        ImportPlanner(
            format: .whatsapp,
            sides: sides,
            caseID: caseID,
            now: Date(timeIntervalSince1970: 1_900_000_000),
            names: [child: "Kai Turner", parent: "Sam Turner"],
            chatPerson: chatPerson
        )
    }

    @Test func sidesTellWhoAMessageIsBetweenAndWhichWayItWent() {
        var s = sides
        let fromChild = s.of(message(1, "Kai Turner", "hi"))
        let fromWorker = s.of(message(2, "Priya Shah", "hello"))
        let fromStranger = s.of(message(3, "Unknown Person", "who is this"))
        #expect(fromChild?.personID == child && fromChild?.staffID == worker && fromChild?.outgoing == false)
        #expect(fromWorker?.staffID == worker && fromWorker?.outgoing == true)
        #expect(fromStranger?.allMatched == false && fromStranger?.personID == nil)
    }

    @Test func aLocalTimeIsReadInTheOrganisationsZone() {
        let (local, at) = message(1, "Kai Turner", "hi").times(clock: ZoneClock(Self.zone))
        #expect(local.description == "2026-03-12T09:15")
        #expect(at == (try! Date("2026-03-12T09:15:00Z", strategy: .iso8601)), "March is GMT in London")
    }

    @Test func identicalMessagesAtOneTimeGetDifferentKeysAndTheSameKeysNextTime() throws {
        let items = [
            message(1, "Kai Turner", "ok"), message(2, "Kai Turner", "ok"), message(3, "Kai Turner", "ok", minute: 16),
        ]
        var first = planner(), second = planner()
        let clock = ZoneClock(Self.zone)
        let keys = try items.map { try #require(try first.plan($0, clock: clock)).naturalKey }
        let again = try items.map { try #require(try second.plan($0, clock: clock)).naturalKey }
        #expect(Set(keys).count == 3, "two identical messages in one minute are told apart by their order")
        #expect(keys == again, "the same file gives the same keys, so importing it twice adds nothing")
        #expect(keys.allSatisfy { $0.hasPrefix("whatsapp:") } && keys[0] < keys[2], "keys grow with time")
    }

    @Test func theWorkersMessagesInAOneToOneChatAreToThatPerson() throws {
        var chat = planner(chatPerson: parent)
        let planned = try #require(try chat.plan(message(1, "Priya Shah", "See you at 4"), clock: ZoneClock(Self.zone)))
        #expect(planned.personID == parent && planned.draft.counterpartName == "Sam Turner")
        #expect(planned.staffID == worker && planned.draft.direction == .outgoing)
        #expect(planned.draft.transcript == "See you at 4" && planned.draft.channel == .whatsapp)
    }

    @Test func aMessageTheFirstPassDidNotPassStopsTheSecond() {
        var p = planner()
        #expect(throws: ImportPlanner.Changed.self) {
            try p.plan(message(7, "Unknown Person", "hello"), clock: ZoneClock(Self.zone))
        }
    }

    @Test func aTimelineFindsTheNearestRecordWithinTheWindow() {
        var line = BillReconciliation.Timeline()
        for (o, r) in [(1_000.0, 1_100.0), (400.0, 500.0), (2_000.0, 2_050.0)] { line.append(o, r) }
        let sorted = line.sorted()
        #expect(sorted.occurred == [400, 1_000, 2_000] && sorted.recorded == [500, 1_100, 2_050])
        #expect(sorted.nearest(1_100, window: 300) == 1)
        #expect(sorted.nearest(1_600, window: 300) == nil, "600 s from the nearest, outside a 5-minute window")
        #expect(sorted.nearest(1_800, window: 300) == 2)
    }

    @Test func aBillIsComparedWithTheRecordsOfItsNumbersCases() throws {
        // A bill of three rows: a call to a case contact that was recorded 90 minutes late, a text to
        // the same number that was not recorded, and a call to a number that is nobody's.
        let csv = """
            Date,Time,Number,Direction,Duration,Type
            12/03/2026,09:15:00,07700 900001,Outgoing,0:04:10,Voice
            12/03/2026,20:30:00,+447700900001,Outgoing,,SMS
            12/03/2026,10:00:00,07700 900999,Incoming,60,Voice
            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bill-\(UUID()).csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let numbers = BillReconciliation.caseNumbers([
            (caseID, "+447700900001"), (caseID, "07700 900001"), (caseID, "not a number"),
        ])
        #expect(numbers == ["+447700900001": [caseID]], "one number written two ways is one contact")
        let bill = try BillReconciliation.Bill.read(LineReader(path: path), map: nil, caseNumbers: numbers)
        #expect(bill.rows == 3 && bill.caseContacts == 2 && bill.errors.isEmpty)

        var calls = BillReconciliation.Timeline()
        let called = try Date("2026-03-12T09:16:00Z", strategy: .iso8601).timeIntervalSince1970
        calls.append(called, called + 90 * 60)
        let report = BillReconciliation.compare(
            bill,
            caseNumbers: numbers,
            calls: [calls.sorted()],
            texts: [BillReconciliation.Timeline()],
            slots: [caseID: 0],
            references: [caseID: "NB-0001"],
            settings: .standard,
            window: 30 * 60
        )
        #expect(report.rows == 3 && report.caseContacts == 2 && report.recorded == 1)
        #expect(report.unrecorded.map(\.line) == [3] && report.unrecorded.first?.kind == "text")
        #expect(report.unrecorded.first?.caseReferences == ["NB-0001"] && report.unrecorded.first?.outOfHours == true)
        #expect(report.lateness?.medianMinutes == 90 && report.lateness?.overADay == 0)
    }
}
