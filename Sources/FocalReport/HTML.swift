/// A piece of HTML in which every string from data is escaped: text and
/// attribute values go in only through `HTML(_:)` and `element`, which escape
/// them, so no concept name or path can become markup. Only this module makes
/// raw markup (its page skeleton and fixed check script).
public struct HTML: Sendable, Equatable, ExpressibleByStringLiteral {
    /// The serialized markup.
    public private(set) var markup: String

    /// Text, escaped.
    public init(_ text: String) {
        markup = HTML.escape(text)
    }

    public init(stringLiteral text: String) {
        self.init(text)
    }

    /// Pieces side by side.
    public init(_ pieces: [HTML]) {
        markup = pieces.map(\.markup).joined()
    }

    /// Markup this module wrote itself; never data.
    init(trusted markup: String) {
        self.markup = markup
    }

    public static let empty = HTML([])

    public static func + (lhs: HTML, rhs: HTML) -> HTML {
        HTML(trusted: lhs.markup + rhs.markup)
    }

    /// `<tag attributes…>children…</tag>`. Tag and attribute names must be plain
    /// identifiers (letters, digits, hyphens); values are escaped.
    public static func element(_ tag: String, _ attributes: KeyValuePairs<String, String> = [:], _ children: HTML...) -> HTML {
        element(tag, attributes, children: children)
    }

    public static func element(_ tag: String, _ attributes: KeyValuePairs<String, String> = [:], children: [HTML]) -> HTML {
        HTML(trusted: openingTag(tag, attributes) + children.map(\.markup).joined() + "</\(tag)>")
    }

    /// An element with no content, self-closed (`<img …/>`): HTML ignores the
    /// slash on its void elements, and inline SVG needs it (`<circle …/>`).
    public static func void(_ tag: String, _ attributes: KeyValuePairs<String, String> = [:]) -> HTML {
        HTML(trusted: openingTag(tag, attributes, selfClosing: true))
    }

    static func openingTag(_ tag: String, _ attributes: KeyValuePairs<String, String>, selfClosing: Bool = false) -> String {
        precondition(isName(tag), "not an HTML tag name: \(tag)")
        var text = "<" + tag
        for (name, value) in attributes {
            precondition(isName(name), "not an HTML attribute name: \(name)")
            text += " \(name)=\"\(escape(value))\""
        }
        return text + (selfClosing ? "/>" : ">")
    }

    static func isName(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == ":" }
    }

    /// `&`, `<`, `>`, `"` and `'` as character references: safe in text and in quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

extension HTML {
    public static func paragraph(_ children: HTML..., class className: String? = nil) -> HTML {
        className.map { element("p", ["class": $0], children: children) } ?? element("p", children: children)
    }

    public static func heading(_ level: Int, _ text: String) -> HTML {
        element("h\(min(max(level, 1), 6))", [:], HTML(text))
    }

    /// A bulleted list, one item per piece.
    public static func list(_ items: [HTML]) -> HTML {
        element("ul", children: items.map { element("li", [:], $0) })
    }

    public static func code(_ text: String) -> HTML {
        element("code", [:], HTML(text))
    }

    public static func strong(_ text: String) -> HTML {
        element("strong", [:], HTML(text))
    }
}
