import Foundation

/// Everything the analysers find in one message, with the clauses each finding type serves, and the
/// message with each finding replaced by `[TYPE]`: `safecomms analyse` and `safecomms check --redact`.
public struct ContentReport: Sendable {
    public var findings: [ContentFinding]
    public var redacted: String

    /// Runs every analyser of the library on the text.
    public init(text: String, context: AnalysisContext, analysers: [any ContentAnalyser]) {
        let analysed = AnalysedText(text)
        var all: [ContentFinding] = []
        for a in analysers { all += a.analyse(analysed, context: context) }
        // In span order; a span two analysers both found is kept once, as the first of them found it
        // (sorting brings the two together, and the analyser order breaks the tie).
        let ordered = all.enumerated().sorted { a, b in
            (a.element.span?.start ?? -1, a.element.span?.end ?? -1, a.element.type, a.offset) < (
                b.element.span?.start ?? -1, b.element.span?.end ?? -1, b.element.type, b.offset
            )
        }
        var kept: [ContentFinding] = []
        kept.reserveCapacity(all.count)
        for (_, f) in ordered where f.span == nil || f.span != kept.last?.span {
            kept.append(f)
        }
        findings = kept
        redacted = Self.redact(text, findings.compactMap(\.span))
    }

    /// `text` with each span replaced by `[TYPE]`. Overlapping spans are replaced together, named
    /// by the one that starts first (the longer, when they start together). The text between spans is
    /// copied a run at a time, not a byte at a time.
    public static func redact(_ text: String, _ spans: [Span]) -> String {
        guard !spans.isEmpty else { return text }
        let ordered = spans.filter { $0.end > $0.start }.sorted { ($0.start, -$0.end) < ($1.start, -$1.end) }
        // Spans in code points, merged where they overlap: [start, end) and the type that names them.
        var runs: [(start: Int, end: Int, type: String)] = []
        for s in ordered {
            if let last = runs.last, s.start < last.end {
                runs[runs.count - 1].end = max(last.end, s.end)
            } else {
                runs.append((s.start, s.end, s.type))
            }
        }
        var text = text
        return text.withUTF8 { u in
            // The byte offset of each run's start and end, in one pass over the code points.
            var bounds: [Int] = []
            bounds.reserveCapacity(runs.count * 2)
            let wanted = runs.flatMap { [$0.start, $0.end] }
            var position = 0
            for (k, b) in u.enumerated() where b & 0xC0 != 0x80 {  // the first byte of a code point
                while bounds.count < wanted.count, wanted[bounds.count] <= position { bounds.append(k) }
                position += 1
            }
            while bounds.count < wanted.count { bounds.append(u.count) }  // a span running to the end
            var out: [UInt8] = []
            out.reserveCapacity(u.count + runs.count * 16)
            var copied = 0
            for (r, run) in runs.enumerated() where bounds[2 * r] < u.count {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: u[copied..<bounds[2 * r]]))
                out.append(0x5B)
                out.append(contentsOf: run.type.utf8)
                out.append(0x5D)
                copied = bounds[2 * r + 1]
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: u[copied...]))
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Which clauses of these packs test each finding type.
    public static func clauses(_ packs: [PolicyPack]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for pack in packs {
            for clause in pack.clauses {
                for type in Set(clause.rules.flatMap { $0.when.findings ?? [] })
                where !(out[type]?.contains(clause.id) ?? false) {
                    out[type, default: []].append(clause.id)
                }
            }
        }
        return out
    }
}

/// Answers `safecomms analyse`: `{"id", "text", "people", "direction", "attachments"}` in, and
/// `{"findings": [{"clauses", "confidence", "end", "start", "type"}], "id", "redacted"}` out, keys
/// sorted. A line that is not a valid request gets `{"error", "id"}` naming the field.
public struct AnalyseRunner: Sendable {
    let analysers: [any ContentAnalyser]
    /// Each finding type's clauses as the JSON list every answer writes (`["PD-1.6","WA-7"]`), made once.
    /// A list, not a dictionary: a dozen types compared with `==` (the same strings, so compared by
    /// address) cost less than hashing the type for every finding.
    let clauseLists: [(type: String, json: [UInt8])]

    public init(library: PolicyLibrary) {
        analysers = library.analysers
        clauseLists = ContentReport.clauses(library.packs).map { type, ids in
            var w = JSONWriter()
            w.list(ids) { w, c in w.string(c) }
            return (type, w.bytes)
        }
    }

    static let fields: Set<String> = ["id", "text", "people", "direction", "attachments"]

    /// Takes `Data`, like `CheckRunner`, not any collection of bytes: a generic entry point called from
    /// the CLI's module ran unspecialised, reading every request through the runtime's generic calls.
    public func answer(_ bytes: Data, line: Int? = nil) -> CheckRunner.Answer {
        var id: CheckID?
        do throws(ValidationError) {
            let f = try JSONFields(try CheckRequest.document(bytes), prefix: "", known: Self.fields)
            id = try f.value("id").map { v throws(ValidationError) in try CheckID(json: v, field: "id") }
            let people =
                try f.objects("people") { v, p throws(ValidationError) in try CasePersonInfo(json: v, prefix: p) } ?? []
            let attachments =
                try f.objects("attachments") { v, p throws(ValidationError) in
                    try CheckRequest.Attachment(json: v, prefix: p)
                } ?? []
            let report = ContentReport(
                text: try f.string("text") ?? "",
                context: AnalysisContext(
                    people: people,
                    attachmentNames: attachments.map(\.name),
                    direction: try f.choice(Direction.self, "direction") ?? .outgoing
                ),
                analysers: analysers
            )
            return CheckRunner.Answer(json: write(report, id: id), failed: false)
        } catch {
            let message = (line.map { "line \($0): " } ?? "") + error.description
            return CheckRunner.Answer(
                json: Decision.errorJSON(id: id, message: message),
                failed: true
            )
        }
    }

    func write(_ report: ContentReport, id: CheckID?) -> [UInt8] {
        var w = JSONWriter(capacity: 256 + report.findings.count * 96)
        w.byte(Byte.openBrace)
        w.key("findings", first: true)
        w.list(report.findings) { w, f in
            w.byte(Byte.openBrace)
            w.key("clauses", first: true)
            if let list = clauseLists.first(where: { $0.type == f.type }) { w.written(list.json) } else { w.raw("[]") }
            w.key("confidence")
            w.double(f.confidence)
            if let span = f.span {
                w.key("end")
                w.int(span.end)
                w.key("start")
                w.int(span.start)
            }
            w.key("type")
            w.string(f.type)
            w.byte(Byte.closeBrace)
        }
        w.key("id")
        w.checkID(id)
        w.key("redacted")
        w.string(report.redacted)
        w.byte(Byte.closeBrace)
        return w.bytes
    }
}
