/// The status line `qlab run` keeps at the bottom of a terminal: counts, the running cells' steps, the time
/// spent and the estimate, in fewer columns than a standard terminal has, so that redrawing it in place never
/// wraps (a wrapped line cannot be redrawn with a carriage return and leaves a trail of copies).
struct ProgressLine {
    /// A running cell: its id, the steps it has logged and its steps in all.
    struct Cell {
        var id: String
        var step: Int
        var steps: Int
    }

    /// At most this many columns: one less than 80, since writing the last column leaves some terminals waiting to wrap.
    static let width = 79

    var done: Int
    var total: Int
    var failed: Int
    var running: [Cell]
    var elapsed: Double
    var remaining: Double?

    /// The line, e.g. `1/4 done, 0 failed | 3f2a1c0d 12/40  9b7e55aa 30/40 | 1m2s, ETA 3m55s`; running cells
    /// that do not fit are counted (`+2 more`), and when none fits only their number is shown.
    func render(width: Int = Self.width) -> String {
        let head = "\(done)/\(total) done, \(failed) failed"
        let tail = GridRunner.duration(elapsed) + (remaining.map { ", ETA " + GridRunner.duration($0) } ?? "")
        let cells = running.map { "\($0.id.prefix(8)) \($0.step)/\($0.steps)" }
        for shown in stride(from: cells.count, through: 1, by: -1) {
            let more = cells.count - shown
            let middle = cells.prefix(shown).joined(separator: "  ") + (more > 0 ? "  +\(more) more" : "")
            let line = "\(head) | \(middle) | \(tail)"
            if line.count <= width { return line }
        }
        let line = running.isEmpty ? "\(head) | \(tail)" : "\(head) | \(running.count) running | \(tail)"
        return String(line.prefix(width))
    }
}

/// Writes the progress line and the events of a grid run. On a terminal the line is redrawn in place, and an event
/// first clears it, so that the event starts its own line instead of running on from the status text; elsewhere
/// (a log file) both are plain lines.
final class StatusDisplay {
    /// Clears the terminal line the cursor is on and returns to its start.
    static let clearLine = "\r\u{1B}[K"

    private let interactive: Bool
    private let write: (String) -> Void
    private let say: (String) -> Void
    private var shown = false

    /// A display writing raw terminal text through `write` and whole lines through `say`.
    init(interactive: Bool, write: @escaping (String) -> Void, say: @escaping (String) -> Void) {
        self.interactive = interactive
        self.write = write
        self.say = say
    }

    /// Shows `line` as the status (in place on a terminal).
    func status(_ line: String) {
        guard interactive else { return say(line) }
        write(Self.clearLine + line)
        shown = true
    }

    /// Prints an event on a line of its own; the status line comes back at its next update.
    func event(_ line: String) {
        clear()
        say(line)
    }

    /// Removes the status line, leaving the cursor at the start of an empty line.
    func clear() {
        if shown { write(Self.clearLine) }
        shown = false
    }
}
