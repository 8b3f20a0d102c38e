import FocalImages

/// An 8-bit RGB colour for drawing on an `RGBImage`.
public struct PixelColor: Hashable, Sendable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    public static let black = PixelColor(0, 0, 0)
    public static let white = PixelColor(255, 255, 255)

    /// Rec. 601 luma, 0...255: enough to choose black or white text on a filled box.
    public var luma: Double { 0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b) }

    public var description: String { "(\(r), \(g), \(b))" }
}

/// Small drawing primitives on `RGBImage`, clipped to the image so that callers
/// can draw shapes crossing the border without clipping them first. A namespace
/// rather than an `RGBImage` extension, so it cannot clash with other helpers.
enum Raster {
    static func color(of image: RGBImage, x: Int, y: Int) -> PixelColor {
        let i = (y * image.width + x) * 3
        return PixelColor(image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])
    }

    /// Fills the rectangle `x..<x+width`, `y..<y+height`, clipped to the image.
    static func fill(_ image: inout RGBImage, x: Int, y: Int, width w: Int, height h: Int, color: PixelColor) {
        let x0 = max(x, 0), y0 = max(y, 0)
        let x1 = min(x + w, image.width), y1 = min(y + h, image.height)
        guard x0 < x1, y0 < y1 else { return }
        let rowWidth = image.width
        image.pixels.withUnsafeMutableBufferPointer { p in
            for yy in y0..<y1 {
                var i = (yy * rowWidth + x0) * 3
                for _ in x0..<x1 {
                    p[i] = color.r; p[i + 1] = color.g; p[i + 2] = color.b
                    i += 3
                }
            }
        }
    }
}

/// A built-in 5×8 bitmap font for labelling pictures, so that Focal needs no
/// font files or text-rendering library to write a readable report.
///
/// Every printable ASCII character (32–126) has a glyph 5 pixels wide in a cell
/// 8 pixels high: rows 0–6 hold capitals and digits (row 6 is the baseline),
/// row 7 holds descenders (g, j, p, q, y, comma, underscore). Characters are
/// 6 pixels apart, so one blank column separates neighbours. Anything outside
/// printable ASCII is drawn as `?` rather than dropped, so a label's width
/// never silently shrinks. Text is one line; there is no kerning.
public enum BitmapFont {
    /// Width of a glyph's ink box, in font pixels.
    public static let glyphWidth = 5
    /// Height of a line (capitals, baseline and descender row), in font pixels.
    public static let glyphHeight = 8
    /// Horizontal distance from one character to the next, in font pixels.
    public static let advance = 6

    /// The pixel size of `text` drawn at `scale`: one glyph cell per character,
    /// without the blank column after the last one, and always a full line high
    /// (so labels line up whether or not they have descenders).
    public static func size(of text: String, scale: Int = 1) -> (width: Int, height: Int) {
        precondition(scale >= 1, "font scale must be at least 1")
        let n = text.count
        return (n == 0 ? 0 : (n * advance - (advance - glyphWidth)) * scale, glyphHeight * scale)
    }

    /// Draws `text` with its top-left corner at (x, y); each font pixel becomes a
    /// `scale`×`scale` block. Only glyph pixels are written (the background shows
    /// through), and anything outside the image is clipped.
    public static func draw(_ text: String, into image: inout RGBImage, x: Int, y: Int,
                            color: PixelColor, scale: Int = 1) {
        precondition(scale >= 1, "font scale must be at least 1")
        var penX = x
        for character in text {
            let rows = glyph(for: character)
            for (row, bits) in rows.enumerated() where bits != 0 {
                for column in 0..<glyphWidth where bits & (1 << (glyphWidth - 1 - column)) != 0 {
                    Raster.fill(&image, x: penX + column * scale, y: y + row * scale, width: scale, height: scale, color: color)
                }
            }
            penX += advance * scale
        }
    }

    /// The eight row masks of `character` (bit 4 is the leftmost column).
    public static func glyph(for character: Character) -> [UInt8] {
        if let ascii = character.asciiValue, ascii >= 32, ascii <= 126 {
            return glyphs[Int(ascii) - 32]
        }
        return glyphs[Int(Character("?").asciiValue!) - 32]
    }

    /// Row masks for ASCII 32...126, parsed once from `designs`.
    static let glyphs: [[UInt8]] = {
        var table = [[UInt8]?](repeating: nil, count: 95)
        for (character, design) in designs {
            let rows = design.split(separator: "|", omittingEmptySubsequences: false)
            precondition(rows.count == 7 || rows.count == 8, "glyph \(character) needs 7 or 8 rows")
            var masks = [UInt8](repeating: 0, count: glyphHeight)
            for (r, row) in rows.enumerated() {
                precondition(row.count == glyphWidth, "glyph \(character) row \(r) is not \(glyphWidth) wide")
                for (c, cell) in row.enumerated() where cell == "#" {
                    masks[r] |= UInt8(1 << (glyphWidth - 1 - c))
                }
            }
            let index = Int(character.asciiValue!) - 32
            precondition(table[index] == nil, "glyph \(character) designed twice")
            table[index] = masks
        }
        return table.enumerated().map { index, masks in
            guard let masks else { preconditionFailure("no glyph for ASCII \(index + 32)") }
            return masks
        }
    }()

    /// The glyphs as pictures: rows top to bottom separated by `|`, `#` for ink.
    /// Seven rows leave the descender row blank.
    static let designs: [(Character, String)] = [
        (" ", ".....|.....|.....|.....|.....|.....|....."),
        ("!", "..#..|..#..|..#..|..#..|..#..|.....|..#.."),
        ("\"", ".#.#.|.#.#.|.#.#.|.....|.....|.....|....."),
        ("#", ".#.#.|.#.#.|#####|.#.#.|#####|.#.#.|.#.#."),
        ("$", "..#..|.####|#.#..|.###.|..#.#|####.|..#.."),
        ("%", "##...|##..#|...#.|..#..|.#...|#..##|...##"),
        ("&", ".##..|#..#.|#.#..|.#...|#.#.#|#..#.|.##.#"),
        ("'", "..#..|..#..|.#...|.....|.....|.....|....."),
        ("(", "...#.|..#..|.#...|.#...|.#...|..#..|...#."),
        (")", ".#...|..#..|...#.|...#.|...#.|..#..|.#..."),
        ("*", ".....|..#..|#.#.#|.###.|#.#.#|..#..|....."),
        ("+", ".....|..#..|..#..|#####|..#..|..#..|....."),
        (",", ".....|.....|.....|.....|.....|..##.|..#..|.#..."),
        ("-", ".....|.....|.....|#####|.....|.....|....."),
        (".", ".....|.....|.....|.....|.....|.##..|.##.."),
        ("/", ".....|....#|...#.|..#..|.#...|#....|....."),
        ("0", ".###.|#...#|#..##|#.#.#|##..#|#...#|.###."),
        ("1", "..#..|.##..|..#..|..#..|..#..|..#..|.###."),
        ("2", ".###.|#...#|....#|...#.|..#..|.#...|#####"),
        ("3", "#####|...#.|..#..|...#.|....#|#...#|.###."),
        ("4", "...#.|..##.|.#.#.|#..#.|#####|...#.|...#."),
        ("5", "#####|#....|####.|....#|....#|#...#|.###."),
        ("6", "..##.|.#...|#....|####.|#...#|#...#|.###."),
        ("7", "#####|....#|...#.|..#..|.#...|.#...|.#..."),
        ("8", ".###.|#...#|#...#|.###.|#...#|#...#|.###."),
        ("9", ".###.|#...#|#...#|.####|....#|...#.|.##.."),
        (":", ".....|.##..|.##..|.....|.##..|.##..|....."),
        (";", ".....|.##..|.##..|.....|.##..|..#..|.#..."),
        ("<", "...#.|..#..|.#...|#....|.#...|..#..|...#."),
        ("=", ".....|.....|#####|.....|#####|.....|....."),
        (">", ".#...|..#..|...#.|....#|...#.|..#..|.#..."),
        ("?", ".###.|#...#|....#|...#.|..#..|.....|..#.."),
        ("@", ".###.|#...#|....#|.##.#|#.#.#|#.#.#|.###."),
        ("A", ".###.|#...#|#...#|#####|#...#|#...#|#...#"),
        ("B", "####.|#...#|#...#|####.|#...#|#...#|####."),
        ("C", ".###.|#...#|#....|#....|#....|#...#|.###."),
        ("D", "###..|#..#.|#...#|#...#|#...#|#..#.|###.."),
        ("E", "#####|#....|#....|####.|#....|#....|#####"),
        ("F", "#####|#....|#....|####.|#....|#....|#...."),
        ("G", ".###.|#...#|#....|#.###|#...#|#...#|.####"),
        ("H", "#...#|#...#|#...#|#####|#...#|#...#|#...#"),
        ("I", ".###.|..#..|..#..|..#..|..#..|..#..|.###."),
        ("J", "..###|...#.|...#.|...#.|...#.|#..#.|.##.."),
        ("K", "#...#|#..#.|#.#..|##...|#.#..|#..#.|#...#"),
        ("L", "#....|#....|#....|#....|#....|#....|#####"),
        ("M", "#...#|##.##|#.#.#|#.#.#|#...#|#...#|#...#"),
        ("N", "#...#|#...#|##..#|#.#.#|#..##|#...#|#...#"),
        ("O", ".###.|#...#|#...#|#...#|#...#|#...#|.###."),
        ("P", "####.|#...#|#...#|####.|#....|#....|#...."),
        ("Q", ".###.|#...#|#...#|#...#|#.#.#|#..#.|.##.#"),
        ("R", "####.|#...#|#...#|####.|#.#..|#..#.|#...#"),
        ("S", ".####|#....|#....|.###.|....#|....#|####."),
        ("T", "#####|..#..|..#..|..#..|..#..|..#..|..#.."),
        ("U", "#...#|#...#|#...#|#...#|#...#|#...#|.###."),
        ("V", "#...#|#...#|#...#|#...#|#...#|.#.#.|..#.."),
        ("W", "#...#|#...#|#...#|#.#.#|#.#.#|#.#.#|.#.#."),
        ("X", "#...#|#...#|.#.#.|..#..|.#.#.|#...#|#...#"),
        ("Y", "#...#|#...#|.#.#.|..#..|..#..|..#..|..#.."),
        ("Z", "#####|....#|...#.|..#..|.#...|#....|#####"),
        ("[", ".###.|.#...|.#...|.#...|.#...|.#...|.###."),
        ("\\", ".....|#....|.#...|..#..|...#.|....#|....."),
        ("]", ".###.|...#.|...#.|...#.|...#.|...#.|.###."),
        ("^", "..#..|.#.#.|#...#|.....|.....|.....|....."),
        ("_", ".....|.....|.....|.....|.....|.....|.....|#####"),
        ("`", ".#...|..#..|...#.|.....|.....|.....|....."),
        ("a", ".....|.....|.###.|....#|.####|#...#|.####"),
        ("b", "#....|#....|#.##.|##..#|#...#|#...#|####."),
        ("c", ".....|.....|.###.|#....|#....|#...#|.###."),
        ("d", "....#|....#|.##.#|#..##|#...#|#...#|.####"),
        ("e", ".....|.....|.###.|#...#|#####|#....|.###."),
        ("f", "..##.|.#..#|.#...|###..|.#...|.#...|.#..."),
        ("g", ".....|.....|.####|#...#|#...#|.####|....#|.###."),
        ("h", "#....|#....|#.##.|##..#|#...#|#...#|#...#"),
        ("i", "..#..|.....|.##..|..#..|..#..|..#..|.###."),
        ("j", "...#.|.....|..##.|...#.|...#.|...#.|#..#.|.##.."),
        ("k", "#....|#....|#..#.|#.#..|##...|#.#..|#..#."),
        ("l", ".##..|..#..|..#..|..#..|..#..|..#..|.###."),
        ("m", ".....|.....|##.#.|#.#.#|#.#.#|#...#|#...#"),
        ("n", ".....|.....|#.##.|##..#|#...#|#...#|#...#"),
        ("o", ".....|.....|.###.|#...#|#...#|#...#|.###."),
        ("p", ".....|.....|####.|#...#|#...#|####.|#....|#...."),
        ("q", ".....|.....|.####|#...#|#...#|.####|....#|....#"),
        ("r", ".....|.....|#.##.|##..#|#....|#....|#...."),
        ("s", ".....|.....|.####|#....|.###.|....#|####."),
        ("t", ".#...|.#...|###..|.#...|.#...|.#..#|..##."),
        ("u", ".....|.....|#...#|#...#|#...#|#..##|.##.#"),
        ("v", ".....|.....|#...#|#...#|#...#|.#.#.|..#.."),
        ("w", ".....|.....|#...#|#...#|#.#.#|#.#.#|.#.#."),
        ("x", ".....|.....|#...#|.#.#.|..#..|.#.#.|#...#"),
        ("y", ".....|.....|#...#|#...#|#...#|.####|....#|.###."),
        ("z", ".....|.....|#####|...#.|..#..|.#...|#####"),
        ("{", "...#.|..#..|..#..|.#...|..#..|..#..|...#."),
        ("|", "..#..|..#..|..#..|..#..|..#..|..#..|..#..|..#.."),
        ("}", ".#...|..#..|..#..|...#.|..#..|..#..|.#..."),
        ("~", ".....|.....|.#...|#.#.#|...#.|.....|....."),
    ]
}
