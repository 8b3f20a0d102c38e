/// How training uses a taxonomy's hierarchy (`focal train --hierarchy`).
public enum HierarchyMode: String, CaseIterable, Codable, Sendable {
    /// Labels are used as written.
    case none
    /// Labels follow is-a: a positive of a concept is a positive of every
    /// ancestor, and a negative of a concept is a negative of every descendant.
    case propagate
}

extension Taxonomy {
    /// What `propagated` changed, to say so.
    public struct Propagation: Sendable, Equatable {
        /// Ancestor positives added (one per image and ancestor).
        public var positivesAdded = 0
        /// Descendant negatives added.
        public var negativesAdded = 0
        /// Negatives of an ancestor overruled because a descendant was positive on the same image.
        public var negativesOverruled = 0

        public init(positivesAdded: Int = 0, negativesAdded: Int = 0, negativesOverruled: Int = 0) {
            self.positivesAdded = positivesAdded
            self.negativesAdded = negativesAdded
            self.negativesOverruled = negativesOverruled
        }
    }

    /// The samples with labels made to follow the hierarchy. Positives go up
    /// first (a positive child makes its parent positive, even where the parent
    /// was written as a negative: the labels contradict each other and the more
    /// specific one wins); then negatives go down (not an X means not any kind
    /// of X), except to a concept the image is positive for. Exclusions are not
    /// applied: a missing label stays missing.
    public func propagated(_ samples: [Sample]) -> (samples: [Sample], changes: Propagation) {
        var changes = Propagation()
        let out = samples.map { s -> Sample in
            var t = s
            var positives = s.positives, seen = Set(s.positives)
            for p in s.positives {
                for a in ancestors(of: p) where seen.insert(a).inserted {
                    positives.append(a)
                    changes.positivesAdded += 1
                }
            }
            let overruled = s.negatives.filter { seen.contains($0) }
            changes.negativesOverruled += overruled.count
            var negatives = s.negatives.filter { !seen.contains($0) }, negativeSet = Set(negatives)
            for n in negatives {
                for d in descendants(of: n) where !seen.contains(d) && negativeSet.insert(d).inserted {
                    negatives.append(d)
                    changes.negativesAdded += 1
                }
            }
            t.positives = positives
            t.negatives = negatives
            return t
        }
        return (out, changes)
    }
}
