/// A row of captioned pictures. Items whose picture is missing show their
/// caption and a note instead of a broken image.
public struct Gallery: Sendable {
    public struct Item: Sendable {
        /// Relative path in the report folder (see `ReportFolder`), or nil when unavailable.
        public var source: String?
        /// Alternative text: the image's path or name.
        public var name: String
        public var caption: HTML

        public init(source: String?, name: String, caption: HTML) {
            self.source = source
            self.name = name
            self.caption = caption
        }
    }

    public var items: [Item]
    /// Said when there is no item.
    public var emptyText: String

    public init(items: [Item], emptyText: String = "none") {
        self.items = items
        self.emptyText = emptyText
    }

    /// Thumbnails of images on disk, captioned with their path and `note`.
    public init(images: [(path: String, note: String)], folder: ReportFolder, emptyText: String = "none") {
        items = images.map { image in
            Item(source: folder.thumbnail(of: image.path), name: image.path,
                 caption: HTML([.element("span", ["class": "note"], HTML(image.note)), .void("br"), .code(image.path)]))
        }
        self.emptyText = emptyText
    }

    public var html: HTML {
        guard !items.isEmpty else { return .paragraph(HTML(emptyText), class: "muted") }
        return .element("div", ["class": "gallery"], children: items.map { item in
            let picture = item.source.map { HTML.void("img", ["src": $0, "alt": item.name, "loading": "eager"]) }
                ?? .paragraph("(image unreadable)", class: "muted")
            return .element("figure", [:], picture, .element("figcaption", [:], item.caption))
        })
    }
}
