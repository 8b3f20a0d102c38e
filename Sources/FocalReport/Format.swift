import FocalTraining
import Foundation

/// Numbers as a report shows them: fixed decimals, "—" when undefined.
public enum Format {
    public static func number(_ x: Double, digits: Int = 3) -> String {
        x.isFinite ? String(format: "%.\(digits)f", x) : "—"
    }

    /// "0.812 [0.771, 0.850]".
    public static func interval(_ i: Interval, digits: Int = 3) -> String {
        "\(number(i.estimate, digits: digits)) [\(number(i.lower, digits: digits)), \(number(i.upper, digits: digits))]"
    }

    public static func percent(_ x: Double) -> String {
        x.isFinite ? String(format: "%.0f%%", x * 100) : "—"
    }

    /// "1 image", "3 images".
    public static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    /// A fragment id from any name: lowercase ASCII letters and digits, other runs
    /// as one hyphen ("Bouquet & veil" → "bouquet-veil"); "x" when nothing is left.
    public static func slug(_ name: String) -> String {
        var out = "", pendingHyphen = false
        for c in name.lowercased().unicodeScalars {
            if c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)) {
                if pendingHyphen && !out.isEmpty { out += "-" }
                out.unicodeScalars.append(c)
                pendingHyphen = false
            } else {
                pendingHyphen = true
            }
        }
        return out.isEmpty ? "x" : out
    }
}
