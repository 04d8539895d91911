/// Why an experiment cannot be expanded into cells.
public enum ExperimentError: Error, Equatable, CustomStringConvertible {
    /// The name is used as a directory and a command-line argument.
    case invalidName(String)
    /// Two `Model` declarations.
    case duplicateModel(first: String, second: String)
    /// A preset that depends on the model's size, with no size known.
    case modelSizeUnknown(model: String, preset: String)
    /// An axis with no values would make an empty grid.
    case emptyAxis(String)
    /// The same setting varies twice in one cell.
    case duplicateAxis(String)
    /// A fixed setting or a tie writes a setting that an axis varies.
    case settingIsAlsoAnAxis(setting: String, axis: String)
    /// `Zip` over axes of different lengths.
    case zipLengthMismatch(lengths: [Int])
    /// Two cells resolved to the same configuration, which would run the same thing twice.
    case duplicateCell(first: String, second: String)
    /// Every cell was skipped or the grid is empty.
    case noCells(String)
    /// A resolved configuration breaks an invariant of the trainer.
    case invalidConfiguration(cell: String, reason: String)

    public var description: String {
        switch self {
        case .invalidName(let n):
            "experiment name \"\(n)\" must be lower-case letters, digits and dashes (it names a directory)"
        case .duplicateModel(let a, let b): "two base models declared: \(a) and \(b); vary the model with an Axis instead"
        case .modelSizeUnknown(let m, let p):
            "\(p) depends on the model's size, which is unknown for \(m); give it with Model.path(_:parameters:)"
        case .emptyAxis(let a): "axis \(a) has no values"
        case .duplicateAxis(let a): "\(a) is varied twice in the same cell; combine the two with Union or Zip"
        case .settingIsAlsoAnAxis(let s, let a): "\(s) writes \(a), which is also an axis; one of the two would be lost"
        case .zipLengthMismatch(let l): "Zip needs axes of equal length, got \(l.map(String.init).joined(separator: ", "))"
        case .duplicateCell(let a, let b): "cells \(a) and \(b) resolve to the same configuration"
        case .noCells(let e): "experiment \(e) has no cells (empty grid, or every cell skipped)"
        case .invalidConfiguration(let c, let r): "cell \(c): \(r)"
        }
    }
}
