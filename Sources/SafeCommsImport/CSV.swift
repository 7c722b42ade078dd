/// RFC 4180 CSV, a record at a time: fields separated by commas, a field in double quotes may hold
/// commas, doubled quotes and line breaks. `line` is the line the record starts on.
///
/// Fields are handed over as bytes, not strings: a bill is read a million rows at a time, and making
/// and hashing a `String` per field cost more than everything else in reading a row.
enum CSV {
    /// One record's fields, quotes taken off and doubled quotes undone, end to end in one buffer.
    struct Record {
        fileprivate(set) var bytes: [UInt8] = []
        fileprivate(set) var ends: [Int] = []

        var count: Int { ends.count }

        subscript(i: Int) -> ArraySlice<UInt8> {
            bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]]
        }

        func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

        var strings: [String] { (0..<count).map(string) }

        fileprivate mutating func removeAll() {
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
        }

        fileprivate mutating func endField() { ends.append(bytes.count) }
    }

    static func rows(_ reader: LineReader, _ each: (Record, Int) throws -> Void) throws {
        var record = Record()
        var quoted = false
        // Whether the field being read has had any byte or quote yet (an opening quote counts only
        // at a field's start).
        var fieldStarted = false
        var startLine = 0
        try reader.forEachLine { line, number in
            if !quoted {
                startLine = number
                record.removeAll()
                fieldStarted = false
            } else {
                record.bytes.append(0x0A)  // a line break inside quotes belongs to the field
            }
            var i = line.startIndex
            // A byte-order mark at the very start of the file.
            if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { i += 3 }
            while i < line.endIndex {
                // An unquoted field is taken whole up to its comma.
                if !quoted, !fieldStarted, line[i] != 0x22 {
                    var end = i
                    while end < line.endIndex, line[end] != 0x2C, line[end] != 0x22 { end += 1 }
                    if end == line.endIndex || line[end] == 0x2C {
                        record.bytes.append(contentsOf: line[i..<end])
                        if end == line.endIndex {
                            i = end
                            fieldStarted = true
                            break
                        }
                        record.endField()
                        i = end + 1
                        continue
                    }
                }
                let b = line[i]
                if quoted {
                    if b == 0x22 {
                        if i + 1 < line.endIndex, line[i + 1] == 0x22 {
                            record.bytes.append(0x22)
                            i += 2
                            continue
                        }
                        quoted = false
                    } else {
                        record.bytes.append(b)
                    }
                } else if b == 0x22, !fieldStarted {
                    quoted = true
                    fieldStarted = true
                } else if b == 0x2C {
                    record.endField()
                    fieldStarted = false
                } else {
                    record.bytes.append(b)
                    fieldStarted = true
                }
                i += 1
            }
            guard !quoted else { return true }
            record.endField()
            try each(record, startLine)
            return true
        }
        if quoted {
            throw ImportError(line: startLine, reason: "a quoted field is not closed before the end of the file")
        }
    }
}
