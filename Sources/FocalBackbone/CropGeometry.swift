/// Where the network's input sits in the original photo: the photo was
/// resized (shorter side 256 for the 224×224 input; s·256/224 for an s×s one)
/// and centre-cropped, so boxes found on the input map back to original
/// pixels by an offset and a scale.
public struct CropGeometry: Sendable, Equatable {
    public var originalWidth: Int, originalHeight: Int
    public var resizedWidth: Int, resizedHeight: Int
    public var left: Int, top: Int
    /// The crop's side: the network input's.
    public var side: Int

    public init(originalWidth: Int, originalHeight: Int, side: Int = Preprocessing.cropSize) {
        self.originalWidth = originalWidth
        self.originalHeight = originalHeight
        self.side = side
        let short = min(originalWidth, originalHeight), long = max(originalWidth, originalHeight)
        let target = Preprocessing.shorterSide(forCrop: side)
        let scaled = Int((Double(long) * Double(target) / Double(short)).rounded(.toNearestOrEven))
        (resizedWidth, resizedHeight) = originalWidth <= originalHeight ? (target, scaled) : (scaled, target)
        left = (resizedWidth - side) / 2
        top = (resizedHeight - side) / 2
    }

    /// A point of the input (in its pixels, continuous) in original pixels.
    public func toOriginal(x: Double, y: Double) -> (x: Double, y: Double) {
        ((x + Double(left)) * Double(originalWidth) / Double(resizedWidth),
         (y + Double(top)) * Double(originalHeight) / Double(resizedHeight))
    }

    /// A point in original pixels, in the input's pixels (continuous, may lie outside it).
    public func toCrop(x: Double, y: Double) -> (x: Double, y: Double) {
        (x * Double(resizedWidth) / Double(originalWidth) - Double(left),
         y * Double(resizedHeight) / Double(originalHeight) - Double(top))
    }

    /// A box on the input, in original pixels (clipped to the photo).
    public func toOriginal(_ box: GridBox) -> Box {
        let sx = Double(originalWidth) / Double(resizedWidth), sy = Double(originalHeight) / Double(resizedHeight)
        let x0 = Int((Double(box.columns.lowerBound + left) * sx).rounded(.down))
        let y0 = Int((Double(box.rows.lowerBound + top) * sy).rounded(.down))
        let x1 = min(originalWidth, Int((Double(box.columns.upperBound + left) * sx).rounded(.up)))
        let y1 = min(originalHeight, Int((Double(box.rows.upperBound + top) * sy).rounded(.up)))
        return Box(x: max(0, x0), y: max(0, y0), width: max(1, x1 - max(0, x0)), height: max(1, y1 - max(0, y0)))
    }

    /// A box in original pixels, on the input (clipped to it; empty
    /// when the box lies outside the centre crop).
    public func toCrop(_ box: Box) -> GridBox {
        let sx = Double(resizedWidth) / Double(originalWidth), sy = Double(resizedHeight) / Double(originalHeight)
        func clip(_ v: Int) -> Int { min(side, max(0, v)) }
        let x0 = clip(Int((Double(box.x) * sx).rounded(.down)) - left)
        let y0 = clip(Int((Double(box.y) * sy).rounded(.down)) - top)
        let x1 = clip(Int((Double(box.x + box.width) * sx).rounded(.up)) - left)
        let y1 = clip(Int((Double(box.y + box.height) * sy).rounded(.up)) - top)
        return GridBox(rows: y0..<max(y0, y1), columns: x0..<max(x0, x1))
    }

    /// The whole input, in original pixels.
    public var cropBox: Box {
        toOriginal(GridBox(rows: 0..<side, columns: 0..<side))
    }
}

extension CropGeometry {
    /// A box in pixels of an original image (a dataset's `Box`).
    public struct Box: Codable, Sendable, Equatable {
        public var x: Int, y: Int, width: Int, height: Int
        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x; self.y = y; self.width = width; self.height = height
        }
        public var area: Int { width * height }
        public var array: [Int] { [x, y, width, height] }

        public func intersection(_ o: Box) -> Int {
            max(0, min(x + width, o.x + o.width) - max(x, o.x)) * max(0, min(y + height, o.y + o.height) - max(y, o.y))
        }
        /// Intersection over the smaller box: how much of the smaller one the other covers.
        public func overlap(_ o: Box) -> Double {
            let smaller = min(area, o.area)
            return smaller > 0 ? Double(intersection(o)) / Double(smaller) : 0
        }
    }
}
