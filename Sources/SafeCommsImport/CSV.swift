/// RFC 4180 CSV, a record at a time: fields separated by commas, a field in double quotes may hold
/// commas, doubled quotes and line breaks. `line` is the line the record starts on.
enum CSV {
    static func rows(_ reader: LineReader, _ each: ([String], Int) throws -> Void) throws {
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var startLine = 0
        try reader.forEachLine { line, number in
            if !quoted {
                startLine = number
                fields.removeAll(keepingCapacity: true)
                field.removeAll(keepingCapacity: true)
            } else {
                field.append(0x0A)  // a line break inside quotes belongs to the field
            }
            var i = line.startIndex
            var tookLast = false
            // A byte-order mark at the very start of the file.
            if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { i += 3 }
            while i < line.endIndex {
                // An unquoted field is taken whole up to its comma, without copying it byte by byte
                // (a bill is mostly short unquoted fields; this halved the time to read one).
                if !quoted, field.isEmpty, line[i] != 0x22 {
                    var end = i
                    while end < line.endIndex, line[end] != 0x2C, line[end] != 0x22 { end += 1 }
                    if end == line.endIndex || line[end] == 0x2C {
                        fields.append(String(decoding: line[i..<end], as: UTF8.self))
                        if end == line.endIndex {
                            tookLast = true
                            break
                        }
                        i = end + 1
                        continue
                    }
                }
                let b = line[i]
                if quoted {
                    if b == 0x22 {
                        if i + 1 < line.endIndex, line[i + 1] == 0x22 {
                            field.append(0x22)
                            i += 2
                            continue
                        }
                        quoted = false
                    } else {
                        field.append(b)
                    }
                } else if b == 0x22, field.isEmpty {
                    quoted = true
                } else if b == 0x2C {
                    fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                } else {
                    field.append(b)
                }
                i += 1
            }
            guard !quoted else { return true }
            // The last field, unless the fast path above took it whole.
            if !tookLast { fields.append(String(decoding: field, as: UTF8.self)) }
            try each(fields, startLine)
            return true
        }
        if quoted { throw ImportError(line: startLine, reason: "a quoted field is not closed before the end of the file") }
    }
}
