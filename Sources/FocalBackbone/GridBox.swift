/// A rectangle of a layer's grid: rows × columns, in that layer's coordinates.
public struct GridBox: Equatable, Sendable {
    public var rows: Range<Int>
    public var columns: Range<Int>

    public init(rows: Range<Int>, columns: Range<Int>) {
        self.rows = rows
        self.columns = columns
    }

    public var count: Int { rows.count * columns.count }
    public var isEmpty: Bool { rows.isEmpty || columns.isEmpty }

    public func contains(_ y: Int, _ x: Int) -> Bool { rows.contains(y) && columns.contains(x) }
}
