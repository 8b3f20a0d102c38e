/// A self-contained HTML page: inline style, a navigation list of its
/// sections, no external fetches (a Content-Security-Policy forbids them), and
/// a tiny fixed script that records script errors and broken images into
/// `#page-check`, so a headless browser can tell whether the page rendered.
public struct ReportPage: Sendable {
    public var title: String
    /// One line under the title, e.g. what was evaluated on what.
    public var subtitle: String?
    public var sections: [Section]

    public init(title: String, subtitle: String? = nil, sections: [Section]) {
        self.title = title
        self.subtitle = subtitle
        self.sections = sections
    }

    /// The whole document.
    public var html: String {
        let sections = sections.withUniqueIDs()
        let navigation = HTML.element("nav", [:], .list(sections.map { HTML.element("a", ["href": "#" + $0.id], HTML($0.title)) }))
        let body = HTML.element("body", [:],
            .element("header", [:], .heading(1, title), subtitle.map { HTML.paragraph(HTML($0), class: "subtitle") } ?? .empty),
            navigation,
            .element("main", [:], children: sections.map(\.html)),
            .element("footer", [:], .element("output", ["id": "page-check", "data-status": "pending"], "page check pending")))
        let head = HTML.element("head", [:],
            .void("meta", ["charset": "utf-8"]),
            .void("meta", ["http-equiv": "Content-Security-Policy", "content": Self.contentSecurityPolicy]),
            .void("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"]),
            .element("title", [:], HTML(title)),
            HTML(trusted: "<style>\(Self.style)</style>"),
            HTML(trusted: "<script>\(Self.checkScript)</script>"))
        return "<!doctype html>\n<html lang=\"en\">" + head.markup + body.markup + "</html>\n"
    }

    /// Images from the page's folder or data: URIs, inline style and script; nothing from a network.
    static let contentSecurityPolicy =
        "default-src 'none'; img-src 'self' data: file:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

    /// Records errors (scripts and resources, in the capture phase) and, at load,
    /// every image that did not decode; writes the verdict as JSON into #page-check.
    static let checkScript = """
        (function(){var errors=[];\
        window.addEventListener('error',function(e){var t=e.target;\
        errors.push(t&&t!==window&&t.tagName?('failed to load '+t.tagName.toLowerCase()+' '+(t.getAttribute('src')||t.getAttribute('href'))):String(e.message));},true);\
        window.addEventListener('load',function(){var broken=[],images=document.images;\
        for(var i=0;i<images.length;i++){if(!(images[i].complete&&images[i].naturalWidth>0))broken.push(images[i].getAttribute('src'));}\
        var sections=[].map.call(document.querySelectorAll('main section[id]'),function(s){return s.id;});\
        var out=document.getElementById('page-check');\
        out.setAttribute('data-status',errors.length||broken.length?'fail':'ok');\
        out.textContent=JSON.stringify({errors:errors,brokenImages:broken,images:images.length,svgs:document.querySelectorAll('svg').length,sections:sections});});})();
        """

    static let style = """
        body{font:16px/1.5 "DejaVu Sans",system-ui,sans-serif;color:#222;background:#fafaf7;margin:0 auto;max-width:1200px;padding:0 24px 48px}\
        header h1{margin:24px 0 4px;font-size:28px}.subtitle{color:#555;margin:0 0 12px}\
        nav ul{list-style:none;padding:0;margin:0 0 16px;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:14px}\
        section{background:#fff;border:1px solid #e3e3dc;border-radius:6px;padding:8px 20px 20px;margin:16px 0}\
        h2{font-size:22px;border-bottom:1px solid #eee;padding-bottom:4px}h3{font-size:17px;margin:18px 0 6px}\
        div.table{overflow-x:auto}table{border-collapse:collapse;margin:8px 0;font-size:14px}caption{text-align:left;color:#555}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}\
        th{background:#f1f1ec}td.number{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
        td.diagonal{background:#e5f2e5}.plots{display:flex;flex-wrap:wrap;gap:12px}\
        svg{background:#fff;border:1px solid #eee}svg text{font:12px "DejaVu Sans",sans-serif;fill:#333}\
        .gallery{display:flex;flex-wrap:wrap;gap:10px;padding:0;margin:8px 0}\
        figure{margin:0;width:176px;font-size:12px;overflow-wrap:anywhere}figure img{display:block;max-width:176px;max-height:176px;border:1px solid #ccc}\
        figure.picture{width:auto}figure.picture img{width:512px;max-width:100%;max-height:none;image-rendering:pixelated}\
        .verdict{font-weight:bold}.muted{color:#777}code{font-size:13px;overflow-wrap:anywhere}\
        footer{font-size:12px;color:#999;margin-top:24px}#page-check{display:none}
        """
}
