import FocalImages

/// The pictures `focal explain` renders while explaining, kept for `--report`
/// so that the page does not decode each photo a second time. They are kept
/// while they fit in `budget` bytes; past it the page decodes and renders the
/// rest itself, so that a folder of thousands of photos does not hold every
/// picture in memory until the page is written.
struct ReportPictures {
    /// Whether a report is written at all.
    let wanted: Bool
    var budget = 256 << 20
    /// One per explanation, in order; nil where the page renders it.
    private(set) var kept: [RGBImage?] = []
    private var bytes = 0

    init(wanted: Bool) { self.wanted = wanted }

    /// Whether the next explanation's picture is still worth rendering for the page.
    var wantsMore: Bool { wanted && bytes < budget }

    mutating func keep(_ picture: RGBImage?) {
        guard wanted else { return }
        guard let picture, bytes + picture.pixels.count <= budget else {
            kept.append(nil)
            return
        }
        bytes += picture.pixels.count
        kept.append(picture)
    }
}
