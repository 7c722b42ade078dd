import Leaf
import LeafKit
import Vapor

/// Each field's own error on the Leaf pages, as `FormGroup` writes it on the others (the GOV.UK Design
/// System's pattern): the group marked, the message above the control, the control described by it.
/// Each tag takes the page's `errors` (`[PageController.FieldError]`) and a field's id; only the first
/// error for a field is shown beside it (the summary lists them all).
enum FieldErrorTags {
    static func register(_ app: Application) {
        app.leaf.tags["errorClass"] = GroupClass()
        app.leaf.tags["fieldError"] = Message()
        app.leaf.tags["describedBy"] = DescribedBy()
        app.leaf.tags["errorRef"] = Reference()
    }

    /// The first message for the field, or nil.
    static func message(_ ctx: LeafContext) throws -> (field: String, message: String)? {
        try ctx.requireParameterCount(2)
        guard let field = ctx.parameters[1].string else { return nil }
        for e in ctx.parameters[0].array ?? [] {
            if let d = e.dictionary, d["field"]?.string == field, let message = d["message"]?.string {
                return (field, message)
            }
        }
        return nil
    }

    /// ` form-group-error` when the field has an error.
    struct GroupClass: UnsafeUnescapedLeafTag {
        func render(_ ctx: LeafContext) throws -> LeafData {
            .string(try FieldErrorTags.message(ctx) == nil ? "" : " form-group-error")
        }
    }

    /// The message paragraph, escaped.
    struct Message: UnsafeUnescapedLeafTag {
        func render(_ ctx: LeafContext) throws -> LeafData {
            guard let (field, message) = try FieldErrorTags.message(ctx) else { return .string("") }
            return .string(
                "<p class=\"error-message\" id=\"\(escape(field))-error\"><span class=\"visually-hidden\">Error:</span> "
                    + escape(message) + "</p>"
            )
        }
    }

    /// ` aria-describedby="field-error"` for a control with no description of its own.
    struct DescribedBy: UnsafeUnescapedLeafTag {
        func render(_ ctx: LeafContext) throws -> LeafData {
            guard let (field, _) = try FieldErrorTags.message(ctx) else { return .string("") }
            return .string(" aria-describedby=\"\(escape(field))-error\"")
        }
    }

    /// ` field-error`, to add to a control's own `aria-describedby`.
    struct Reference: UnsafeUnescapedLeafTag {
        func render(_ ctx: LeafContext) throws -> LeafData {
            guard let (field, _) = try FieldErrorTags.message(ctx) else { return .string("") }
            return .string(" \(escape(field))-error")
        }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
