import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/devices/new`: a work device added to the directory by those who keep it (administrators and
/// business support): its kind, number or address, holder and settings (COV-6, COV-7, PD-1.11).
struct DeviceNewView {
    struct Form: Content {
        var kind = DeviceKind.workMobile.rawValue
        var address = ""
        var holderID = ""
        var callerIDWithheld = true
        var voicemail = true
        var whatsapp = false
        var onOutOfHours = false

        enum CodingKeys: String, CodingKey {
            case kind, address, voicemail, whatsapp
            case holderID = "holder_id", callerIDWithheld = "caller_id_withheld", onOutOfHours = "on_out_of_hours"
        }

        init() {}

        /// A form leaves out an unticked box: each field is read if sent (`on` for a ticked one).
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? ""
            address = try c.decodeIfPresent(String.self, forKey: .address) ?? ""
            holderID = try c.decodeIfPresent(String.self, forKey: .holderID) ?? ""
            func ticked(_ key: CodingKeys) throws -> Bool { try c.decodeIfPresent(String.self, forKey: key) != nil }
            callerIDWithheld = try ticked(.callerIDWithheld)
            voicemail = try ticked(.voicemail)
            whatsapp = try ticked(.whatsapp)
            onOutOfHours = try ticked(.onOutOfHours)
        }
    }

    static let kinds: [(DeviceKind, String)] = [
        (.workMobile, "Work mobile"), (.deskPhone, "Desk phone"), (.landline, "Landline"),
        (.workEmail, "Work e-mail"), (.personalMobile, "Personal mobile"), (.personalEmail, "Personal e-mail"),
    ]

    var form: Form
    var errors: [PageController.FieldError]
    var staff: [StaffListing]
    var csrf: String

    func write(_ h: inout HTML) {
        h.raw("<a href=\"/devices\" class=\"back-link\">Back to work devices</a>\n")
        if !errors.isEmpty { PageErrors.summary(errors, &h) }
        h.raw("<h1 class=\"heading-l\">Add a work device</h1>\n")
        h.raw("<form method=\"post\" action=\"/devices\" novalidate>\n")
        AdminParts.csrf(csrf, &h)
        FormGroup.write(id: "kind", label: "What it is", errors: errors, &h) { h in
            h.raw("<select class=\"select\" id=\"kind\" name=\"kind\">\n")
            for (kind, label) in Self.kinds {
                h.raw("<option value=\"")
                h.text(kind.rawValue)
                h.raw(kind.rawValue == form.kind ? "\" selected>" : "\">")
                h.text(label)
                h.raw("</option>\n")
            }
            h.raw("</select>\n")
        }
        FormGroup.write(
            id: "address",
            label: "Number or e-mail address",
            hint: "A UK number as it is dialled (07700 900123) or in full (+447700900123)",
            errors: errors,
            &h
        ) { AdminParts.input("address", form.address, width: "input input-medium", &$0) }
        FormGroup.write(id: "holder_id", label: "Who holds it", errors: errors, &h) {
            AdminParts.select(
                "holder_id",
                none: "Nobody yet",
                staff.filter(\.active).map { ($0.id.uuidString, $0.name) },
                chosen: form.holderID,
                &$0
            )
        }
        FormGroup.fieldset(id: "caller_id_withheld", legend: "Settings", errors: errors, &h) { h in
            AdminParts.checkbox(
                "caller_id_withheld",
                "Caller ID withheld (COV-7)",
                checked: form.callerIDWithheld,
                &h
            )
            AdminParts.checkbox("voicemail", "Voicemail on", checked: form.voicemail, &h)
            AdminParts.checkbox("whatsapp", "WhatsApp on it", checked: form.whatsapp, &h)
            AdminParts.checkbox(
                "on_out_of_hours",
                "On out of office hours (PD-1.11; a landline always is)",
                checked: form.onOutOfHours,
                &h
            )
        }
        h.raw("<button type=\"submit\" class=\"button\">Add the device</button>\n</form>\n")
    }
}
