/// Why data could not be read, prepared or batched; every case names the file (and line) at fault.
public enum DataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// One line of a dataset file is not a valid record of its format.
    case malformedLine(path: String, line: Int, reason: String)
    /// A dataset name that is neither a file nor a prepared dataset.
    case unknownDataset(name: String, reason: String)
    /// A setting that cannot be honoured (e.g. a batch size of 0).
    case invalidSetting(String)
    /// An archive (a wheel) that could not be unpacked.
    case archive(path: String, reason: String)
    /// An archive refused because reading it would pass a limit on its size (the reason says which).
    case archiveLimit(path: String, reason: String)
    /// A source file of `qlab data prepare` that does not hold what it should.
    case source(path: String, line: Int?, reason: String)
    /// A batch of a pre-tokenized batch file (`step` counted from 1) that the model cannot take.
    case invalidBatch(path: String, step: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .malformedLine(let path, let line, let reason): "\(path):\(line): \(reason)"
        case .unknownDataset(let name, let reason): "dataset \(name.debugDescription): \(reason)"
        case .invalidSetting(let reason): "invalid data setting: \(reason)"
        case .archive(let path, let reason): "\(path): not a readable zip archive: \(reason)"
        case .archiveLimit(let path, let reason): "\(path): archive refused: \(reason)"
        case .source(let path, let line, let reason): line.map { "\(path):\($0): \(reason)" } ?? "\(path): \(reason)"
        case .invalidBatch(let path, let step, let reason): "\(path): step \(step): \(reason)"
        }
    }
}
