/// The phrase lists behind the first content detectors, written for SafeComms from the policies'
/// own examples (WA-9, WA-10, PD-1.5, PD-1.7, PD-1.9, PD-2.1, PD-12.a). Lower case; words are
/// matched whole, so "u" never matches inside "you".
public enum PhraseLists {
    /// PD-1.5: "it would not be appropriate to use 'text language'". Only forms that are not also
    /// ordinary English words.
    public static let textSpeak = [
        "u", "ur", "r u", "gr8", "l8r", "l8", "2moro", "2morrow", "2day", "2nite", "b4", "c u", "cu", "cya", "lol",
        "lmao", "omg", "btw",
        "thx", "thnx", "tnx", "pls", "plz", "tbh", "idk", "imo", "brb", "ttyl", "wud", "cud", "shud", "wiv", "wat",
        "wot", "luv", "xoxo",
        "m8", "gd", "nvm", "ofc", "rn", "smh", "k", "kk", "ya", "yh", "ye", "dunno", "gonna", "wanna", "gotta", "soz",
        "ty", "np",
    ]

    /// WA-10 and PD-1.10: abusive or threatening words and phrases, wrong in either direction. Shipped as
    /// data: better-profanity 0.7.0's list (MIT) less the words children's services use every day, plus
    /// British insults and threats (`scripts/make-language-list.py`, `scripts/language/`).
    public static let inappropriateLanguage = WordLists.inappropriateLanguage

    /// WA-10, PD-1.5 (outgoing only): over-familiar words that cross a professional boundary in a
    /// worker's message, though they are friendly, not abusive, from a parent.
    public static let overfamiliar = [
        "babe", "gorgeous", "hun", "hunny", "love you", "luv you", "xx", "xxx", "sweetheart", "darling", "sweetie",
    ]

    static let relations = [
        "mum", "mam", "mom", "mother", "dad", "father", "brother", "sister", "nan", "nanny", "gran", "grandma",
        "grandad", "granddad",
        "carer", "foster carer", "foster mum", "foster dad", "aunt", "auntie", "uncle", "cousin", "stepdad", "stepmum",
        "boyfriend",
        "girlfriend", "friend", "mate", "parents", "family",
    ]

    /// PD-1.7: asking one service user to pass a message on to another.
    public static let relays: [String] = {
        var out = [
            "pass this on", "pass it on", "pass the message on", "pass this message on", "pass on this message",
            "pass this to",
            "give this message to", "tell him that", "tell her that", "tell them that", "let him know", "let her know",
            "let them know",
        ]
        for r in relations {
            out += [
                "tell your \(r)", "ask your \(r) to", "remind your \(r)", "let your \(r) know",
                "your \(r) needs to know",
                "tell ur \(r)", "pass this on to your \(r)", "give your \(r) this message",
            ]
        }
        return out
    }()

    static let imageWords = [
        "pic", "pics", "picture", "pictures", "photo", "photos", "photograph", "selfie", "selfies", "image", "images",
        "video", "videos",
        "vid", "vids", "snap", "snaps", "screenshot", "screenshots", "clip", "nudes", "nude",
    ]

    /// PD-2.1: "No young person should be asked to forward any material by staff".
    public static let imageRequests: [String] = {
        var out: [String] = []
        for verb in ["send", "forward", "text", "whatsapp", "share", "snap", "show", "email", "message"] {
            for who in ["me", "us"] {
                for det in ["", "a ", "the ", "that ", "this ", "some ", "your ", "those ", "them ", "any "] {
                    for w in imageWords { out.append("\(verb) \(who) \(det)\(w)") }
                }
            }
        }
        for w in imageWords {
            out += [
                "can i see the \(w)", "can i have a \(w)", "can you send the \(w)", "can you send a \(w)",
                "send it to me",
            ]
        }
        return out
    }()

    /// WA-9: copies of reports, statements, assessments and review documents, named in a message.
    public static let reportDocuments = [
        "child protection conference report", "conference report", "child protection report", "cp conference report",
        "court statement",
        "court statements", "court report", "statement for court", "assessment report", "single assessment",
        "child and family assessment",
        "core assessment", "section 47 report", "section 7 report", "review document", "review report",
        "looked after review report",
        "lac review minutes", "review minutes", "core group minutes", "strategy minutes", "strategy meeting minutes",
        "strategy discussion notes",
        "conference minutes", "minutes of the conference", "minutes of the core group", "copy of the report",
        "copy of my report",
        "copy of the assessment", "copy of your assessment", "attached the report", "attached report",
        "attached assessment",
        "attached the assessment", "attached statement", "attached the minutes",
    ]

    /// Words that make an attachment's file name a report document (WA-9).
    public static let reportDocumentFileWords = [
        "report", "statement", "assessment", "review", "minutes", "conference", "core group", "strategy", "court",
        "s47", "section 47",
        "cp plan", "care plan", "chronology", "case notes",
    ]

    /// PD-12.a, PD-1.9: a worker giving out their own personal contact details.
    public static let personalContact = [
        "my personal number", "my personal mobile", "my personal phone", "my personal email", "my personal e mail",
        "my own number",
        "my own mobile", "my own phone", "my home number", "my home phone", "my home address", "my private number",
        "my private mobile",
        "my private email", "my personal whatsapp", "my personal snapchat", "my snapchat", "my instagram",
        "my facebook", "add me on",
        "text me on my personal", "call me on my personal", "ring me at home", "my other number", "my real number",
    ]
}
