import Foundation

/// Count, rate and time left for long work, redrawn on one line of a terminal's
/// stderr at most ten times a second; silent when stderr is not a terminal, so
/// logs and pipes stay clean.
final class Progress {
    let label: String
    private(set) var total: Int
    let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private(set) var done = 0

    init(_ label: String, total: Int, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.total = total
        self.enabled = enabled && total > 0
    }

    func advance(by n: Int = 1) {
        set(done + n)
    }

    /// `total` when the work turned out larger than first counted (region examples add their crops).
    func set(_ count: Int, total newTotal: Int? = nil) {
        if let newTotal { total = newTotal }
        done = count
        guard enabled else { return }
        let now = Date()
        if now.timeIntervalSince(lastDraw) < 0.1 && done < total { return }
        lastDraw = now
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line(now: now)).utf8))
    }

    func line(now: Date) -> String {
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var text = "\(label) \(done)/\(total)"
        if done > 0 && elapsed > 0.5 {
            text += String(format: "  %.1f/s", rate)
            if done < total && rate > 0 { text += "  \(Self.duration(Double(total - done) / rate)) left" }
        }
        return text
    }

    /// Erases the line (before printing a message, or at the end); the next update redraws it.
    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        lastDraw = .distantPast
    }

    func finish() { clear() }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", s / 60 % 60))m"
    }
}

/// A progress line for work in named stages (the advisor's): a new stage
/// replaces the previous stage's line.
final class StagedProgress {
    private var current: Progress?
    private var stage = ""

    func update(_ label: String, done: Int, total: Int) {
        if label != stage {
            current?.finish()
            current = Progress(label, total: total)
            stage = label
        }
        current?.set(done)
    }

    func finish() { current?.finish() }
}
