import Foundation
import SafeCommsCore
import SafeCommsStore

/// The pages of long work: one piece's progress (`progress`), and the reader's list (`list`).
enum WorkView {
    static func title(_ w: LongWork.View, reference: String?) -> String {
        switch (w.kind, w.status) {
        case (.caseImport, .running): "Importing into \(reference ?? "the case")"
        case (.caseImport, _): "The import into \(reference ?? "the case") stopped"
        case (.reconciliation, .running): "Checking the carrier's bill"
        case (.reconciliation, _): "The check of the carrier's bill stopped"
        }
    }

    /// Running: a progress bar the page's script keeps up to date (without script, a link to look
    /// again). Stopped: what happened, and that nothing written is lost.
    static func progress(_ w: LongWork.View, reference: String?, _ h: inout HTML) {
        h.raw("<h1 class=\"heading-l\">")
        h.text(title(w, reference: reference))
        h.raw("</h1>\n<p class=\"body\">The file: ")
        h.text(w.fileName)
        h.raw("</p>\n")
        let again =
            w.kind == .caseImport ? (w.caseID.map { "/cases/\($0.uuidString)/import" } ?? "/cases") : "/reconciliation"
        guard w.status == .running else {
            h.raw("<div class=\"warning-text\"><strong class=\"warning-text-text\">")
            if w.status == .interrupted {
                h.raw("It stopped when the server stopped. ")
            } else {
                h.raw("Something went wrong on the server and it stopped. ")
            }
            if w.kind == .caseImport {
                h.raw("What it wrote before then is kept. Upload the file again to finish: ")
                h.raw("records already imported are not imported twice.")
            } else {
                h.raw("Nothing was changed. Upload the bill again to check it.")
            }
            h.raw("</strong></div>\n<p class=\"body\"><a class=\"button\" href=\"")
            h.text(again)
            h.raw("\">Upload the file again</a></p>\n")
            return
        }
        let step =
            w.kind == .reconciliation ? "Reading the bill" : w.pass == 1 ? "Reading the file" : "Writing the records"
        h.raw("<div id=\"work\" data-progress=\"/work/")
        h.text(w.id.uuidString)
        h.raw("/progress\" data-kind=\"")
        h.text(w.kind.rawValue)
        h.raw("\">\n")
        h.raw("<label class=\"label\" for=\"work-progress\" id=\"work-step\">")
        h.text(step)
        h.raw("</label>\n<progress id=\"work-progress\" class=\"work-progress\"")
        if let total = w.totalBytes, total > 0 {
            h.raw(" max=\"")
            h.text(total)
            h.raw("\" value=\"")
            h.text(min(w.doneBytes, total))
            h.raw("\"")
        }
        h.raw("></progress>\n<p class=\"body\" id=\"work-figures\" aria-live=\"polite\">")
        h.text(figures(w))
        h.raw("</p>\n</div>\n")
        h.raw("<p class=\"body\">You can leave this page: the work goes on, and ")
        h.raw("<a href=\"/work\">your imports and reports</a> lists it. ")
        h.raw("<a href=\"/work/")
        h.text(w.id.uuidString)
        h.raw("\">See how far it has got</a>.</p>\n")
        h.raw("<script src=\"/assets/work.js\" defer></script>\n")
    }

    /// "1.2 MB of 3.4 MB read (35%)".
    static func figures(_ w: LongWork.View) -> String {
        guard let total = w.totalBytes, total > 0 else { return "\(size(w.doneBytes)) read" }
        return "\(size(min(w.doneBytes, total))) of \(size(total)) read (\(min(w.doneBytes, total) * 100 / total)%)"
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1_000_000
            ? String(format: "%.1f MB", Double(bytes) / 1_000_000)
            : bytes >= 1_000 ? "\(bytes / 1_000) KB" : "\(bytes) bytes"
    }

    static func list(_ work: [LongWork.View], zone: TimeZone, _ h: inout HTML) {
        h.raw("<h1 class=\"heading-l\">Your imports and reports</h1>\n")
        guard !work.isEmpty else {
            h.raw("<p class=\"body\">You have started no import or report from a page in the last week.</p>\n")
            return
        }
        h.raw(
            "<table class=\"table\">\n<caption class=\"visually-hidden\">Started in the last week, newest first</caption>\n"
        )
        h.raw("<thead><tr><th scope=\"col\">Started</th><th scope=\"col\">What</th><th scope=\"col\">File</th>")
        h.raw("<th scope=\"col\">Where it is</th></tr></thead>\n<tbody>\n")
        for w in work {
            h.raw("<tr><td>")
            h.text(WallClockText.dateTime(w.startedAt, zone: zone))
            h.raw("</td><td>")
            if w.kind == .caseImport { h.raw("Import") } else { h.raw("Carrier's bill check") }
            h.raw("</td><td><a href=\"/work/")
            h.text(w.id.uuidString)
            h.raw("\">")
            h.text(w.fileName)
            h.raw("</a></td><td>")
            switch w.status {
            case .running: h.raw("<strong class=\"tag\">Running</strong>")
            case .done: h.raw("<strong class=\"tag tag-green\">Done</strong>")
            case .failed, .interrupted: h.raw("<strong class=\"tag tag-red\">Stopped</strong>")
            }
            h.raw("</td></tr>\n")
        }
        h.raw("</tbody>\n</table>\n")
    }
}
