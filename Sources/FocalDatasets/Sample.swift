/// Which part of a dataset a sample belongs to.
public enum Split: String, Codable, Sendable, CaseIterable {
    case train, test, pool
}

/// A labelled box in pixels of the original (upright) image: `concept@x,y,w,h`.
public struct Region: Equatable, Codable, Sendable {
    public var concept: String
    public var x: Int, y: Int, width: Int, height: Int

    public init(concept: String, x: Int, y: Int, width: Int, height: Int) {
        self.concept = concept
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    /// Parses `concept@x,y,w,h`; nil when malformed.
    public init?(parsing text: String) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let concept = parts[0].trimmingCharacters(in: .whitespaces)
        let numbers = parts[1].split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !concept.isEmpty, numbers.count == 4, let x = numbers[0], let y = numbers[1],
              let w = numbers[2], let h = numbers[3], w > 0, h > 0 else { return nil }
        self.init(concept: concept, x: x, y: y, width: w, height: h)
    }

    public var text: String { "\(concept)@\(x),\(y),\(width),\(height)" }

    public func fits(width imageWidth: Int, height imageHeight: Int) -> Bool {
        x >= 0 && y >= 0 && x + width <= imageWidth && y + height <= imageHeight
    }
}

/// One image of a dataset with what it is labelled as.
///
/// For each concept a sample is positive, negative, or unlabelled: negatives
/// are first-class, so an image that simply does not mention a concept says
/// nothing about it.
public struct Sample: Equatable, Sendable {
    /// The image as the manifest names it (relative to the manifest).
    public var image: String
    /// The image's path, resolved against the manifest's folder.
    public var path: String
    public var positives: [String]
    public var negatives: [String]
    public var split: Split?
    public var regions: [Region]
    /// Columns beyond the five Focal reads, kept so that rewriting a manifest loses nothing.
    public var extra: [String: String]
    /// The line of the manifest this sample came from (1 is the header), for messages.
    public var line: Int

    public init(image: String, path: String, positives: [String] = [], negatives: [String] = [],
                split: Split? = nil, regions: [Region] = [], extra: [String: String] = [:], line: Int = 0) {
        self.image = image
        self.path = path
        self.positives = positives
        self.negatives = negatives
        self.split = split
        self.regions = regions
        self.extra = extra
        self.line = line
    }

    /// true when positive for `concept`, false when negative, nil when unlabelled.
    public func label(_ concept: String) -> Bool? {
        if positives.contains(concept) { return true }
        if negatives.contains(concept) { return false }
        return nil
    }
}

import Foundation
