import FocalExplain
import FocalImages
import Foundation

/// The report of `focal explain`: per explained concept, the heatmap picture
/// with the evidence regions (FocalExplain's `ExplanationPicture`), the regions
/// with their names, and whether the photo is of the concept or of its context.
public enum ExplanationPage {
    /// `pictures`: see `sections`.
    public static func page(_ explanations: [Explanation], folder: ReportFolder, pictures: [RGBImage?] = []) -> ReportPage {
        let images = Array(Set(explanations.map(\.image))).sorted()
        return ReportPage(title: "Explanation: \(explanations.map(\.concept).joined(separator: ", "))",
                          subtitle: images.joined(separator: ", "), sections: sections(explanations, folder: folder, pictures: pictures))
    }

    /// Ids: "explanation-<image stem>-<concept>", both slugged. Each picture is
    /// taken from `pictures` (already rendered, at the explanation's index), else
    /// drawn over the photo from `decoded` (held at full size by the caller, by
    /// path), else over the photo decoded here. Only the last photo decoded here
    /// is kept: an image's explanations come together, and a folder's photos
    /// must not all stay in memory until the page is written.
    public static func sections(_ explanations: [Explanation], folder: ReportFolder, decoded: [String: RGBImage] = [:],
                                pictures: [RGBImage?] = []) -> [Section] {
        var last: (path: String, image: RGBImage?)?
        return explanations.enumerated().map { i, e in
            if i < pictures.count, let picture = pictures[i] { return section(e, picture: picture, folder: folder) }
            if let image = decoded[e.image] { return section(e, image: image, folder: folder) }
            if last?.path != e.image { last = (e.image, try? ImageDecoder().decode(path: e.image)) }
            return section(e, image: last?.image, folder: folder)
        }
    }

    /// One explanation; `image` is the explained photo (nil when unreadable: the section says so).
    public static func section(_ e: Explanation, image: RGBImage?, folder: ReportFolder) -> Section {
        section(e, picture: image.map { ExplanationPicture.render(e, image: $0) }, folder: folder)
    }

    /// One explanation with its rendered picture (nil when the photo could not be read).
    public static func section(_ e: Explanation, picture rendered: RGBImage?, folder: ReportFolder) -> Section {
        let stem = ((e.image as NSString).lastPathComponent as NSString).deletingPathExtension
        let picture: HTML
        if let rendered, let source = try? folder.picture(rendered) {
            picture = .element("figure", ["class": "picture"],
                               .void("img", ["src": source, "alt": "heatmap of \(e.concept) over \(e.image)"]),
                               .element("figcaption", [:], "Red: hiding these pixels lowers the score most. Boxes: the evidence regions, ranked."))
        } else {
            picture = .paragraph("(the image could not be read to draw the heatmap)", class: "muted")
        }
        let verdict = e.focal
            ? "The \(e.concept) itself is among the evidence: the photo is of it."
            : "No \(e.concept) among the top regions: the score comes from context."
        return Section(
            id: "explanation-" + Format.slug(stem) + "-" + Format.slug(e.concept), title: "\(e.concept) in \(stem)",
            .paragraph(HTML("Image ") + .code(e.image) + HTML(": P(\(e.concept)) = \(Format.number(e.score, digits: 2)), threshold "
                       + "\(Format.number(e.threshold, digits: 2)), " + (e.fires ? "fires." : "below its threshold."))),
            .paragraph(.strong(verdict), class: "verdict"),
            picture,
            regions(e).html,
            .paragraph(HTML(method(e)), class: "muted"))
    }

    static func method(_ e: Explanation) -> String {
        let checks = "Each region is checked by hiding it (baseline \(e.settings.baseline)) and by showing it alone."
        switch e.method {
        case "map":
            return "Map: the concept's log-odds split exactly over the network's last feature map at inputs of "
                + e.scales.map(String.init).joined(separator: ", ") + " pixels, combined; regions at \(Format.percent(e.settings.cut)) of its peak. " + checks
        case "segments":
            return "Superpixel occlusion: \(e.settings.segments ?? 0) segments hidden in turn. " + checks
        default:
            return "Occlusion: window \(e.settings.window), stride \(e.settings.stride), mode \(e.settings.mode). " + checks
        }
    }

    /// Rank, box, share of the evidence, drop in log-odds, and each name with its source and score.
    static func regions(_ e: Explanation) -> Table {
        Table(caption: "evidence regions, largest share first", columns: ["rank", "box (x, y, w, h)", "share", "log-odds drop (hidden)", "alone (share)", "names (source, score)"],
              rows: e.regions.enumerated().map { i, r in
                  [.number(String(i + 1)), .number(r.box.map(String.init).joined(separator: ", ")), .number(Format.percent(r.share)),
                   .number(Format.number(r.drop, digits: 2)), .number(Format.percent(r.insertionShare)),
                   Table.Cell(r.names.isEmpty ? HTML("unnamed") : .list(r.names.map { n in
                       HTML(n.name + " ") + .element("span", ["class": "muted"], HTML("(\(n.source), \(Format.number(n.score, digits: 2)))"))
                   }))]
              })
    }
}
