import FocalBackbone
import FocalTestSupport
import Foundation

/// What the attribution tests share: one loaded backbone, and the repository's photos.
enum Shared {
    static let backbone: Backbone = try! Backbone.load()
    /// datasets/photos in the repository (see `PhotoCompositeTests` of FocalExplainTests).
    static let photos = Repository.dataset("photos")
}
