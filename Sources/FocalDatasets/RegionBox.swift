import FocalBackbone

extension Region {
    /// A box in pixels of the original image: the backbone's, whose crop
    /// geometry maps it onto the network input and back.
    public typealias Box = CropGeometry.Box

    public var box: Box { Box(x: x, y: y, width: width, height: height) }
}
