import FocalImages

/// The picture of an explanation: the heatmap over the photo, the evidence
/// regions outlined, ranked and labelled with their best name and share.
public enum ExplanationPicture {
    public static func render(_ e: Explanation, image: RGBImage) -> RGBImage {
        let regions = e.regions.enumerated().map { i, r in
            HeatmapOverlay.Region(box: (x: r.box[0], y: r.box[1], width: r.box[2], height: r.box[3]),
                                  label: "\(i + 1) \((r.names.first?.name ?? "?").split(separator: ",").first ?? "") \(Int((r.share * 100).rounded()))%",
                                  rank: i)
        }
        let heat = e.heatmap
        return HeatmapOverlay().render(image: image, heatmap: heat.rows.flatMap { $0 }, heatmapWidth: heat.width,
                                       heatmapHeight: heat.height,
                                       heatmapBox: (x: heat.box[0], y: heat.box[1], width: heat.box[2], height: heat.box[3]),
                                       regions: regions)
    }
}
