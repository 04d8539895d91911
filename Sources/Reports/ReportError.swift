/// What kept a report from being written, naming the file, program or value at fault.
public enum ReportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// gnuplot is not on the PATH (nor at the path given).
    case gnuplotMissing(searched: String)
    /// gnuplot ran but failed on a script; `message` is what it printed.
    case gnuplotFailed(script: String, status: Int32, message: String)
    /// gnuplot did not finish within the time allowed.
    case gnuplotTimedOut(script: String, seconds: Double)
    /// The store has no experiment with this name.
    case unknownExperiment(name: String)
    /// The experiment is in the store but none of its cells has a run yet.
    case nothingToReport(experiment: String)
    /// An option names an axis the experiment does not have.
    case unknownAxis(name: String, experiment: String, known: [String])
    /// `--metric` names no metric the experiment recorded.
    case unknownMetric(name: String, experiment: String, known: [String])
    /// A file or directory could not be written or moved.
    case fileAccess(path: String, message: String)
    /// The report's folder exists and is not a report: writing there would replace what it holds.
    case notAReportFolder(path: String, reason: String)

    public var description: String {
        switch self {
        case let .gnuplotMissing(searched):
            return "gnuplot not found (searched \(searched)); install it with `apt-get install gnuplot-nox` or run `scripts/setup`"
        case let .gnuplotFailed(script, status, message):
            return "gnuplot failed on \(script) (exit status \(status)):\n\(message)"
        case let .gnuplotTimedOut(script, seconds):
            return "gnuplot did not finish \(script) within \(Int(seconds)) s"
        case let .unknownExperiment(name):
            return "no experiment \(name) in the lineage store; run it first with `qlab run \(name)`"
        case let .nothingToReport(experiment):
            return "experiment \(experiment) has no runs in the lineage store yet; run it with `qlab run \(experiment)`"
        case let .unknownAxis(name, experiment, known):
            return "experiment \(experiment) has no axis \(name); its axes: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
        case let .unknownMetric(name, experiment, known):
            return "experiment \(experiment) recorded no metric \(name); its metrics: \(known.isEmpty ? "none yet" : known.joined(separator: ", "))"
        case let .fileAccess(path, message):
            return "cannot write \(path): \(message)"
        case let .notAReportFolder(path, reason):
            return "will not write a report into \(path): \(reason), and a report replaces its whole folder; "
                + "choose a new folder with --out (one that does not exist yet, or a report qlab wrote)"
        }
    }
}
