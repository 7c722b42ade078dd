/// The vocabulary every layer shares. Raw values are the wire format of the API and the CLI, so they
/// never change once published.

/// How a communication travelled.
public enum Channel: String, Codable, CaseIterable, Sendable {
    case sms, whatsapp
    case whatsappCall = "whatsapp_call"
    case whatsappVideo = "whatsapp_video"
    case email
    case phoneCall = "phone_call"
    case videoCall = "video_call"
    case socialMedia = "social_media"
    case photo
    case videoRecording = "video_recording"
    case audioRecording = "audio_recording"
    case voicemail
    case faceToFace = "face_to_face"
    case letter

    /// The channels a communication can be checked on before it goes: every one but voicemail, a
    /// face-to-face meeting and a letter, which no check stands in front of.
    public static let checkable: [Channel] = [
        .sms, .whatsapp, .whatsappCall, .whatsappVideo, .email, .phoneCall, .videoCall, .socialMedia, .photo,
        .videoRecording, .audioRecording,
    ]

    /// Written channels: the words themselves are the record (PD-1.1, PD-3.6, WA-11), so a record of one
    /// must carry its transcript.
    public var isWritten: Bool {
        switch self {
        case .sms, .whatsapp, .email, .socialMedia, .letter: true
        default: false
        }
    }

    /// Spoken channels, where a duration makes sense.
    public var isSpoken: Bool {
        switch self {
        case .phoneCall, .whatsappCall, .whatsappVideo, .videoCall, .voicemail, .faceToFace, .audioRecording,
            .videoRecording:
            true
        default: false
        }
    }
}

public enum Direction: String, Codable, CaseIterable, Sendable {
    case outgoing, incoming
}

/// The case's status drives what the policies allow (COV-3: looked-after children get the worker's number).
public enum CaseStatus: String, Codable, CaseIterable, Sendable {
    case lookedAfter = "looked_after"
    case childProtection = "child_protection"
    case childInNeed = "child_in_need"
    case earlyHelp = "early_help"
    case other
    /// A closed case stays readable but takes no new allocation.
    case closed
}

/// Who a person on a case is to the child.
public enum PersonRole: String, Codable, CaseIterable, Sendable {
    case child
    case parentCarer = "parent_carer"
    case professional
    case other
}

public enum DeviceKind: String, Codable, CaseIterable, Sendable {
    case workMobile = "work_mobile"
    case personalMobile = "personal_mobile"
    case deskPhone = "desk_phone"
    case landline
    case workEmail = "work_email"
    case personalEmail = "personal_email"
}

/// The consents and agreements the policies ask to be kept on file.
public enum ConsentKind: String, Codable, CaseIterable, Sendable {
    case textingAgreed = "texting_agreed"
    case parentPermission = "parent_permission"
    case emailStrategyParentAware = "email_strategy_parent_aware"
    case emailStrategyManagerAgreed = "email_strategy_manager_agreed"
    case recordingDslWritten = "recording_dsl_written"
    case personalDeviceDslAndParent = "personal_device_dsl_and_parent"
    case numberSharingManagerAgreed = "number_sharing_manager_agreed"

    /// Written consent only the DSL gives: to a recording (WNL-1.5), and to contact from a personal
    /// device with the parent's agreement (PD-12.a, PD-12.b, WNL-6.5). The record names the DSL who gave it.
    public var needsDSL: Bool { self == .recordingDslWritten || self == .personalDeviceDslAndParent }

    /// Not a consent at all but a decision kept in the number-sharing register (COV-3), which the
    /// check reads from there.
    public var keptInNumberSharingRegister: Bool { self == .numberSharingManagerAgreed }

    /// The kinds recorded as consents on a case.
    public static let recordable = allCases.filter { !$0.keptInNumberSharingRegister }

    /// What a member of staff reads for the kind.
    public var label: String {
        switch self {
        case .textingAgreed: "The child agreed to texting (PD-1.6)"
        case .parentPermission: "A parent or carer gave permission for this form of contact (PD-12.b)"
        case .emailStrategyParentAware: "The parent knows of the e-mail strategy (PD-3.5)"
        case .emailStrategyManagerAgreed: "The manager agreed the e-mail strategy (PD-3.5)"
        case .recordingDslWritten: "The DSL gave written consent to a recording (WNL-1.5)"
        case .personalDeviceDslAndParent: "The DSL and a parent agreed to contact from a personal device (PD-12.b)"
        case .numberSharingManagerAgreed: "Work number shared with the team manager's agreement (COV-3)"
        }
    }
}

/// Staff roles from MISSION.md. A person may hold several.
public enum Role: String, Codable, CaseIterable, Sendable, Comparable {
    case practitioner
    case manager
    case dsl
    case businessSupport = "business_support"
    case admin
    case auditor

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}
