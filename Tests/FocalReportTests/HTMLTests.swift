@testable import FocalReport
import XCTest

final class HTMLTests: XCTestCase {
    func testTextAndAttributeValuesAreEscaped() {
        XCTAssertEqual(HTML("<b>\"Tom\" & 'Jerry'</b>").markup, "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;")
        let link = HTML.element("a", ["href": "x\" onclick=\"alert(1)", "title": "a<b"], "fish & chips")
        XCTAssertEqual(link.markup, "<a href=\"x&quot; onclick=&quot;alert(1)\" title=\"a&lt;b\">fish &amp; chips</a>")
        XCTAssertEqual(HTML.void("img", ["src": "images/0001.jpg"]).markup, "<img src=\"images/0001.jpg\"/>")
        // A string literal is text too.
        let literal: HTML = "<i>"
        XCTAssertEqual(literal.markup, "&lt;i&gt;")
        XCTAssertEqual((HTML("a") + HTML("<")).markup, "a&lt;")
    }

    func testSlugsAreIdentifiers() {
        XCTAssertEqual(Format.slug("Bouquet & veil"), "bouquet-veil")
        XCTAssertEqual(Format.slug("<script>alert(1)</script>"), "script-alert-1-script")
        XCTAssertEqual(Format.slug("!!"), "x")
        XCTAssertEqual(Format.slug("été"), "t")
    }

    func testTablesAndSectionIdsAreUnique() {
        let table = Table(columns: ["name", "n"], rows: [[.text("a&b"), .number("3")]], rowHeaders: true).html.markup
        XCTAssertEqual(table, "<div class=\"table\"><table><thead><tr><th>name</th><th>n</th></tr></thead>"
                       + "<tbody><tr><th>a&amp;b</th><td class=\"number\">3</td></tr></tbody></table></div>")
        let matrix = Table.confusionMatrix(classes: ["cat", "dog"], matrix: [[5, 1], [2, 7]]).html.markup
        XCTAssertTrue(matrix.contains("<tr><th>cat</th><td class=\"number diagonal\">5</td><td class=\"number\">1</td></tr>"), matrix)
        XCTAssertTrue(matrix.contains("<tr><th>dog</th><td class=\"number\">2</td><td class=\"number diagonal\">7</td></tr>"), matrix)
        let page = ReportPage(title: "t", sections: [Section(id: "a", title: "A"), Section(id: "a", title: "A again")]).html
        XCTAssertTrue(page.contains("<section id=\"a\">"))
        XCTAssertTrue(page.contains("<section id=\"a-2\">"))
        XCTAssertTrue(page.contains("<a href=\"#a-2\">A again</a>"))
    }

    func testPageFetchesNothingFromANetwork() {
        let page = ReportPage(title: "t", sections: [Section(id: "s", title: "S", Plot.roc([], auc: 0.5).svg)]).html
        XCTAssertTrue(page.contains("content=\"default-src &#39;none&#39;; img-src &#39;self&#39; data: file:;"), page)
        // The only URL is the SVG namespace, which is a name, not a fetch.
        let urls = page.components(separatedBy: "://").count - 1
        XCTAssertEqual(urls, 1)
        XCTAssertEqual(page.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1, 1)
    }
}
