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
