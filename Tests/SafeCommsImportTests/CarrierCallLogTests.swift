import Foundation
import Testing

@testable import SafeCommsImport

/// Carrier itemised bills as CSV, with the header recognised or a YAML column map.
@Suite struct CarrierCallLogTests {
    static func read(
        _ name: String,
        map: CarrierCallLog.ColumnMap? = nil
    ) throws -> ([CarrierCallLog.Row], [ImportError]) {
        var rows: [CarrierCallLog.Row] = []
        let errors = try CarrierCallLog.read(
            LineReader(path: fixtures.appendingPathComponent("calls/\(name)").path),
            map: map
        ) { rows.append($0) }
        return (rows, errors)
    }

    @Test func theUsualHeaderIsRecognised() throws {
        let (rows, errors) = try Self.read("bill.csv")
        #expect(rows.map(\.line) == [2, 3, 4, 5, 7])
        #expect(
            errors == [ImportError(line: 6, reason: "'31/11/2026 10:00:00' is not a date and time (day-first)")],
            "31 November"
        )
        #expect(
            rows[0].at.description == "2026-11-02T10:10:00" && rows[0].e164 == "+447700900001"
                && rows[0].outgoing == true && rows[0].durationSeconds == 250
        )
        #expect(rows[1].outgoing == false && rows[1].durationSeconds == 75 && rows[1].kind == .call)
        #expect(rows[2].kind == .text && rows[2].durationSeconds == nil)
        #expect(
            rows[4].kind == .call && rows[4].durationSeconds == 60,
            "quoted fields, a doubled quote and a comma inside quotes"
        )
    }

    @Test func aColumnMapNamesTheColumns() throws {
        let yaml = try String(contentsOf: fixtures.appendingPathComponent("calls/columns.yaml"), encoding: .utf8)
        let fields = Dictionary(
            uniqueKeysWithValues: yaml.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return (parts[0], parts[1])
            }
        )
        let map = try CarrierCallLog.ColumnMap.parse(yaml: fields, file: "columns.yaml")
        let (rows, errors) = try Self.read("mapped.csv", map: map)
        #expect(
            errors.isEmpty && rows.count == 1 && rows[0].at.description == "2026-11-02T10:10"
                && rows[0].outgoing == true
        )
        #expect(throws: ImportError.self) {
            try CarrierCallLog.ColumnMap.parse(yaml: ["date": "D", "number": "N", "colour": "x"], file: "m.yaml")
        }
        #expect(
            throws: ImportError(
                line: 0,
                reason: "m.yaml: date and number are required: the header names of those columns"
            )
        ) {
            try CarrierCallLog.ColumnMap.parse(yaml: ["date": "D"], file: "m.yaml")
        }
        // A map naming a column the file does not have: named, with the header.
        #expect(throws: ImportError.self) { try Self.read("bill.csv", map: map) }
    }

    /// A map of a few names, written to hurt: aliases that would expand a billion-fold, a long text, a
    /// nested value. Each is refused by name, at once, without expanding anything.
    @Test func hostileColumnMapsAreRefused() throws {
        var laughs = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1...8 {
            laughs +=
                "l\(level): &l\(level) ["
                + Array(repeating: level == 1 ? "*a" : "*l\(level - 1)", count: 9).joined(separator: ",") + "]\n"
        }
        #expect(laughs.utf8.count < 600)
        let refusedBomb = #expect(throws: ImportError.self) {
            try CarrierCallLog.ColumnMap.parse(yamlText: laughs, file: "columns")
        }
        #expect(
            refusedBomb?.reason.contains("more than 200 values once its aliases are expanded") == true,
            "\(String(describing: refusedBomb))"
        )

        let long = "date: D\nnumber: N\n# " + String(repeating: "x", count: 20_000) + "\n"
        let refusedLong = #expect(throws: ImportError.self) {
            try CarrierCallLog.ColumnMap.parse(yamlText: long, file: "columns")
        }
        #expect(refusedLong?.reason == "columns is 20021 bytes long; at most 16384 are read")

        let nested = #expect(throws: ImportError.self) {
            try CarrierCallLog.ColumnMap.parse(yamlText: "date: [D, E]\nnumber: N\n", file: "columns")
        }
        #expect(nested?.reason.contains("each field must name one column") == true)
        #expect(throws: ImportError.self) { try CarrierCallLog.ColumnMap.parse(yamlText: "", file: "columns") }

        // An alias used sensibly still works.
        let map = try CarrierCallLog.ColumnMap.parse(
            yamlText: "date: &d Call date\ntime: *d\nnumber: Other\n",
            file: "columns"
        )
        #expect(map.date == "Call date" && map.time == "Call date" && map.number == "Other")
    }

    @Test func csvEdgeCases() throws {
        var records: [[String]] = []
        try CSV.rows(LineReader("a,\"b,c\",\"d \"\"e\"\"\"\n\"multi\nline\",x\n,\n")) { record, _ in
            records.append(record.strings)
        }
        #expect(records == [["a", "b,c", "d \"e\""], ["multi\nline", "x"], ["", ""]])
        #expect(throws: ImportError.self) { try CSV.rows(LineReader("\"never closed\n")) { _, _ in } }
        // A quote inside an unquoted field is kept; an empty quoted field is empty.
        records = []
        try CSV.rows(LineReader("a\"b,\"\",\"x\"y\n")) { record, _ in records.append(record.strings) }
        #expect(records == [["a\"b", "", "xy"]])
    }

    @Test(
        arguments: [
            ("75", 75), ("1:15", 75), ("0:01:15", 75), ("12:00:00", 43_200), ("0", 0),
            ("1::15", nil), (":15", nil), ("1:15:", nil), ("1:2:3:4", nil), ("1 min", nil), ("-5", nil), ("", nil),
        ] as [(String, Int?)]
    )
    func durations(_ text: String, _ seconds: Int?) {
        #expect(CarrierCallLog.parseDuration(Array(text.utf8)[...]) == seconds)
    }

    /// Ten thousand keys (the table grows several times), each found again by its bytes, in the order
    /// first added; a key not added is not found.
    @Test func byteTableFindsEveryKey() {
        var table = ByteTable<String>()
        let keys = (0..<10_000).map { "07700 9\($0)" }
        for (i, k) in keys.enumerated() { #expect(table.index(of: Array(k.utf8)[...]) { k } == i) }
        for (i, k) in keys.enumerated() {
            #expect(table.index(of: Array(k.utf8)[...]) == i)
            #expect(table.index(of: Array(k.utf8)[...]) { "never made" } == i)
        }
        #expect(table.count == keys.count && table[42] == keys[42])
        #expect(table.index(of: Array("07700 9x".utf8)[...]) == nil && table.index(of: []) == nil)
        // A value that cannot be made adds nothing: the keys after it still find their own values.
        struct Unmade: Error {}
        #expect(throws: Unmade.self) { try table.index(of: Array("bad".utf8)[...]) { throw Unmade() } }
        #expect(table.index(of: Array("bad".utf8)[...]) == nil)
        let next = table.index(of: Array("07700 9next".utf8)[...]) { "07700 9next" }
        #expect(next == keys.count && table[next] == "07700 9next")
    }
}
