import Foundation

/// The error summary at the top of a form written with `HTML`, as `register-errors.leaf` writes it:
/// it takes focus, and each line links to its field.
enum PageErrors {
    static func summary(_ errors: [PageController.FieldError], _ h: inout HTML) {
        h.raw("<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus>\n")
        h.raw("  <h2 class=\"error-summary-title\">There is a problem</h2>\n  <ul>")
        for e in errors {
            h.raw("<li><a href=\"#")
            h.text(e.field)
            h.raw("\">")
            h.text(e.message)
            h.raw("</a></li>")
        }
        h.raw("</ul>\n</div>\n")
    }
}

/// A labelled field of a form written with `HTML`, as the GOV.UK Design System lays one out: its
/// label, a hint, and its own error message above the control when it has one.
enum FormGroup {
    static func write(
        id: String,
        label: String,
        hint: String? = nil,
        errors: [PageController.FieldError],
        _ h: inout HTML,
        _ control: (inout HTML) -> Void
    ) {
        let error = errors.first { $0.field == id }
        h.raw(error == nil ? "<div class=\"form-group\">\n" : "<div class=\"form-group form-group-error\">\n")
        h.raw("<label class=\"label\" for=\"")
        h.text(id)
        h.raw("\">")
        h.text(label)
        h.raw("</label>\n")
        if let hint {
            h.raw("<p class=\"hint\" id=\"")
            h.text(id)
            h.raw("-hint\">")
            h.text(hint)
            h.raw("</p>\n")
        }
        if let error {
            h.raw("<p class=\"error-message\" id=\"")
            h.text(id)
            h.raw("-error\"><span class=\"visually-hidden\">Error:</span> ")
            h.text(error.message)
            h.raw("</p>\n")
        }
        control(&h)
        h.raw("</div>\n")
    }

    /// A group of checkboxes or radios under a legend; `id` is the first control's, for the error
    /// summary's link.
    static func fieldset(
        id: String,
        legend: String,
        hint: String? = nil,
        errors: [PageController.FieldError],
        _ h: inout HTML,
        _ controls: (inout HTML) -> Void
    ) {
        let error = errors.first { $0.field == id }
        h.raw(error == nil ? "<div class=\"form-group\">\n" : "<div class=\"form-group form-group-error\">\n")
        h.raw("<fieldset class=\"radios\"><legend>")
        h.text(legend)
        h.raw("</legend>\n")
        if let hint {
            h.raw("<p class=\"hint\">")
            h.text(hint)
            h.raw("</p>\n")
        }
        if let error {
            h.raw("<p class=\"error-message\"><span class=\"visually-hidden\">Error:</span> ")
            h.text(error.message)
            h.raw("</p>\n")
        }
        controls(&h)
        h.raw("</fieldset>\n</div>\n")
    }
}
