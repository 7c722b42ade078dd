extension Email {
    /// The words of an HTML part as a reader sees them: tags dropped (with line breaks for the ones
    /// that make blocks), white space collapsed as a browser does, the contents of script, style and
    /// title left out, and character references decoded.
    enum HTMLText {
        /// Scanned as UTF-8 bytes: all of HTML's syntax is ASCII, and text is copied through as it is.
        static func plain(_ html: String) -> String {
            let s = Array(html.utf8)
            var out: [UInt8] = []
            out.reserveCapacity(s.count / 2)
            var breaks = 0  // line breaks owed before the next text
            var space = false  // a space owed before the next text
            var pre = 0
            func emit(_ c: UInt8) {
                if !out.isEmpty {
                    if breaks > 0 {
                        out.append(contentsOf: repeatElement(0x0A, count: min(breaks, 2)))
                    } else if space {
                        out.append(0x20)
                    }
                }
                breaks = 0
                space = false
                out.append(c)
            }
            var i = 0
            while i < s.count {
                let c = s[i]
                if c == UInt8(ascii: "<"), let tag = tag(s, at: i) {
                    i = tag.end
                    switch tag.name {
                    case "br": breaks += 1
                    case "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "hr":
                        breaks = max(breaks, 2)
                    case "pre":
                        breaks = max(breaks, 2)
                        pre = max(0, pre + (tag.closing ? -1 : 1))
                    case "div", "tr", "li", "dt", "dd", "section", "article", "header", "footer", "address":
                        breaks = max(breaks, 1)
                    case "td", "th": space = true
                    case "script", "style", "title":
                        if !tag.closing { i = skip(s, from: i, toClosing: tag.name) }
                    default: break
                    }
                } else if c == UInt8(ascii: "&"), let (scalar, next) = reference(s, at: i) {
                    UTF8.encode(scalar, into: emit)
                    i = next
                } else if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C {
                    if pre > 0 {
                        if c == 0x0A { breaks += 1 } else if c != 0x0D { emit(c) }
                    } else {
                        space = true
                    }
                    i += 1
                } else if c == 0xC2, i + 1 < s.count, s[i + 1] == 0xA0 {
                    emit(0x20)  // a no-break space, as `&nbsp;` is read
                    i += 2
                } else {
                    emit(c)
                    i += 1
                }
            }
            // Outlook writes blank lines as `<p>&nbsp;</p>`: spaces that end a line go, and with them
            // the extra blank lines.
            var lines: [ArraySlice<UInt8>] = []
            for line in out.split(separator: 0x0A, omittingEmptySubsequences: false) {
                var l = line
                while l.last == 0x20 { l.removeLast() }
                if l.isEmpty, lines.last?.isEmpty ?? true { continue }
                lines.append(l)
            }
            while lines.last?.isEmpty == true { lines.removeLast() }
            return String(decoding: Array(lines.joined(separator: [0x0A])), as: UTF8.self)
        }

        static func isAlphanumeric(_ c: UInt8) -> Bool {
            (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
        }

        /// The lower-cased name of the tag (or comment, doctype) at `start` and where it ends; nil when
        /// the `<` does not open one (as in `a < b`).
        static func tag(_ s: [UInt8], at start: Int) -> (name: String, closing: Bool, end: Int)? {
            var i = start + 1
            if i + 2 < s.count, s[i] == UInt8(ascii: "!"), s[i + 1] == UInt8(ascii: "-"), s[i + 2] == UInt8(ascii: "-")
            {
                i += 3
                while i + 2 < s.count,
                    !(s[i] == UInt8(ascii: "-") && s[i + 1] == UInt8(ascii: "-") && s[i + 2] == UInt8(ascii: ">"))
                { i += 1 }
                return ("!--", false, min(i + 3, s.count))
            }
            let closing = i < s.count && s[i] == UInt8(ascii: "/")
            if closing { i += 1 }
            let nameStart = i
            while i < s.count, isAlphanumeric(s[i]) || s[i] == UInt8(ascii: "!") || s[i] == UInt8(ascii: "?") { i += 1 }
            guard i > nameStart else { return nil }
            let name = String(decoding: s[nameStart..<i], as: UTF8.self).lowercased()
            var quote: UInt8?
            while i < s.count {
                let c = s[i]
                i += 1
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    quote = c
                } else if c == UInt8(ascii: ">") {
                    break
                }
            }
            return (name, closing, i)
        }

        /// Past the `</name>` that ends a script, style or title element (or to the end).
        static func skip(_ s: [UInt8], from start: Int, toClosing name: String) -> Int {
            var i = start
            while i < s.count {
                if s[i] == UInt8(ascii: "<"), let tag = tag(s, at: i), tag.closing, tag.name == name { return tag.end }
                i += 1
            }
            return i
        }

        /// The character a reference (`&amp;`, `&#233;`, `&#x1F600;`) at `start` stands for, and where
        /// it ends; nil when it is not one (the `&` is then text). `&nbsp;` becomes a plain space, since
        /// this text is read rather than laid out.
        static func reference(_ s: [UInt8], at start: Int) -> (Unicode.Scalar, Int)? {
            var i = start + 1
            while i < s.count, i - start <= 32, s[i] != UInt8(ascii: ";") {
                guard isAlphanumeric(s[i]) || s[i] == UInt8(ascii: "#") else { return nil }
                i += 1
            }
            guard i < s.count, s[i] == UInt8(ascii: ";"), i > start + 1 else { return nil }
            let body = String(decoding: s[(start + 1)..<i], as: UTF8.self)
            let scalar: Unicode.Scalar?
            if body.hasPrefix("#x") || body.hasPrefix("#X") {
                scalar = UInt32(body.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
            } else if body.hasPrefix("#") {
                scalar = UInt32(body.dropFirst()).flatMap(Unicode.Scalar.init)
            } else if body == "nbsp" {
                scalar = " "
            } else {
                scalar = entities[body]
            }
            return scalar.map { ($0, i + 1) }
        }

        /// HTML 4's named references: the markup ones, ISO-8859-1's (in order from U+00A0) and the common
        /// punctuation and symbols.
        static let entities: [String: Unicode.Scalar] = {
            var table: [String: Unicode.Scalar] = ["quot": "\"", "amp": "&", "lt": "<", "gt": ">", "apos": "'"]
            let latin1 = """
                nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute \
                micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring \
                AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml \
                times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil \
                egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash \
                ugrave uacute ucirc uuml yacute thorn yuml
                """
            for (n, name) in latin1.split(separator: " ").enumerated() {
                table[String(name)] = Unicode.Scalar(0xA0 + UInt32(n))
            }
            let others: [String: UInt32] = [
                "OElig": 0x152, "oelig": 0x153, "Scaron": 0x160, "scaron": 0x161, "Yuml": 0x178, "fnof": 0x192,
                "circ": 0x2C6, "tilde": 0x2DC,
                "ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009, "zwnj": 0x200C, "zwj": 0x200D, "lrm": 0x200E,
                "rlm": 0x200F,
                "ndash": 0x2013, "mdash": 0x2014, "lsquo": 0x2018, "rsquo": 0x2019, "sbquo": 0x201A, "ldquo": 0x201C,
                "rdquo": 0x201D,
                "bdquo": 0x201E, "dagger": 0x2020, "Dagger": 0x2021, "bull": 0x2022, "hellip": 0x2026, "permil": 0x2030,
                "prime": 0x2032,
                "Prime": 0x2033, "lsaquo": 0x2039, "rsaquo": 0x203A, "euro": 0x20AC, "trade": 0x2122, "larr": 0x2190,
                "uarr": 0x2191,
                "rarr": 0x2192, "darr": 0x2193, "harr": 0x2194,
            ]
            for (name, value) in others { table[name] = Unicode.Scalar(value) }
            return table
        }()
    }
}
