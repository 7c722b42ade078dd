/// Decisions as JSON for the CLI and the API, written directly (keys in sorted order, so the same
/// request always gives the same bytes). `Encodable` stays for anything that embeds a decision in a
/// larger document; a test holds the two to the same output.
extension Decision {
    public var json: [UInt8] {
        var w = JSONWriter(capacity: 256 + findings.count * 160)
        w.byte(Byte.openBrace)
        w.key("decision", first: true)
        w.string(decision.rawValue)
        w.key("findings")
        w.list(findings) { w, f in
            w.byte(Byte.openBrace)
            w.key("clause", first: true)
            w.string(f.clause)
            w.key("message")
            w.string(f.message)
            w.key("severity")
            w.string(f.severity.rawValue)
            w.key("spans")
            w.list(f.spans) { w, s in
                w.byte(Byte.openBrace)
                w.key("end", first: true)
                w.int(s.end)
                w.key("start")
                w.int(s.start)
                w.key("type")
                w.string(s.type)
                w.byte(Byte.closeBrace)
            }
            w.byte(Byte.closeBrace)
        }
        w.key("id")
        w.checkID(id)
        w.key("obligations")
        w.list(obligations) { w, o in
            w.byte(Byte.openBrace)
            w.key("action", first: true)
            w.string(o.action)
            w.key("clause")
            w.string(o.clause)
            w.key("due")
            w.string(o.due)
            w.byte(Byte.closeBrace)
        }
        w.byte(Byte.closeBrace)
        return w.bytes
    }

    /// `{"error": …, "id": …}`: the answer to a request that could not be read.
    public static func errorJSON(id: CheckID?, message: String) -> [UInt8] {
        var w = JSONWriter()
        w.byte(Byte.openBrace)
        w.key("error", first: true)
        w.string(message)
        w.key("id")
        w.checkID(id)
        w.byte(Byte.closeBrace)
        return w.bytes
    }
}

extension JSONWriter {
    /// A request id as it came, or null.
    mutating func checkID(_ id: CheckID?) {
        switch id {
        case .text(let s): string(s)
        case .number(let n): int(n)
        case nil: raw("null")
        }
    }
}
