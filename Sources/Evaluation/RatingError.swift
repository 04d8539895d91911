/// Why ratings could not be computed.
public enum RatingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A constant or a count is out of range; the text says which.
    case invalidParameter(String)
    /// The battle list cannot support the request (e.g. more rounds than battles).
    case notEnoughBattles(String)
    /// Newton's method stopped without meeting its tolerance.
    case didNotConverge(iterations: Int, lastStep: Double)
    /// A linear system that should be positive definite was not, in floating point.
    case numericalFailure(String)

    /// A one-line message for the person who supplied the input.
    public var description: String {
        switch self {
        case .invalidParameter(let text): text
        case .notEnoughBattles(let text): text
        case .didNotConverge(let iterations, let step):
            "Bradley–Terry did not converge in \(iterations) iterations (last step \(step))"
        case .numericalFailure(let text): text
        }
    }
}
