/// A table of cells; numbers are right-aligned.
public struct Table: Sendable {
    public struct Cell: Sendable {
        public var content: HTML
        public var isNumber: Bool
        /// Extra class, e.g. "diagonal" for a confusion matrix's right answers.
        public var className: String?

        public init(_ content: HTML, isNumber: Bool = false, className: String? = nil) {
            self.content = content
            self.isNumber = isNumber
            self.className = className
        }

        public static func text(_ text: String) -> Cell { Cell(HTML(text)) }
        public static func number(_ text: String) -> Cell { Cell(HTML(text), isNumber: true) }
    }

    public var caption: String?
    public var columns: [String]
    public var rows: [[Cell]]
    /// When set, the first cell of each row is a row header (`th`).
    public var rowHeaders: Bool

    public init(caption: String? = nil, columns: [String], rows: [[Cell]], rowHeaders: Bool = false) {
        self.caption = caption
        self.columns = columns
        self.rows = rows
        self.rowHeaders = rowHeaders
    }

    public var html: HTML {
        let head = HTML.element("thead", [:], .element("tr", children: columns.map { HTML.element("th", [:], HTML($0)) }))
        let body = HTML.element("tbody", children: rows.map { row in
            HTML.element("tr", children: row.enumerated().map { i, cell in
                let classes = [cell.isNumber ? "number" : nil, cell.className].compactMap { $0 }.joined(separator: " ")
                let tag = rowHeaders && i == 0 ? "th" : "td"
                return classes.isEmpty ? HTML.element(tag, [:], cell.content) : HTML.element(tag, ["class": classes], cell.content)
            })
        })
        // Wide tables scroll inside their own box rather than widening the page.
        return .element("div", ["class": "table"],
                        .element("table", [:], caption.map { HTML.element("caption", [:], HTML($0)) } ?? .empty, head, body))
    }

    /// matrix[actual][predicted] with the classes as row and column headers; the diagonal (right answers) shaded.
    /// Classes missing from `classes` are shown by number rather than trapping.
    public static func confusionMatrix(classes: [String], matrix: [[Int]]) -> Table {
        let size = max(matrix.count, matrix.map(\.count).max() ?? 0)
        let names = (0..<size).map { $0 < classes.count ? classes[$0] : "class \($0 + 1)" }
        return Table(caption: "rows: actual; columns: predicted",
              columns: ["actual \\ predicted"] + names,
              rows: matrix.enumerated().map { a, row in
                  [Cell.text(names[a])] + row.enumerated().map { p, n in
                      Cell(HTML(String(n)), isNumber: true, className: a == p ? "diagonal" : nil)
                  }
              },
              rowHeaders: true)
    }
}
