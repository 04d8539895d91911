/// How a training run ended.
public enum TrainingStatus: String, Codable, Sendable {
    /// All steps ran.
    case completed
    /// The loss or the gradient became NaN or infinite; the run stopped before applying it.
    case diverged
    /// A stop was requested (a signal: cancelled or pre-empted); a checkpoint holds the last step.
    case stopped
    /// An error ended the run after a step; a checkpoint and the weights of that step were kept when they could be.
    case failed
}

/// The end of a run, as `summary.json` records it.
public struct TrainingSummary: Codable, Sendable, Equatable {
    /// How it ended.
    public var status: TrainingStatus
    /// Why, in words.
    public var reason: String
    /// Steps completed.
    public var steps: Int
    /// Loss of the last step.
    public var finalLoss: Double?
    /// Tokens per second over the steps of this process (not counting resumed ones).
    public var tokensPerSecond: Double
    /// Peak resident memory, MiB.
    public var peakRSSMiB: Double
    /// The step the run resumed from, if it did.
    public var resumedFrom: Int?
    /// Where the final adapter is.
    public var adapterDirectory: String?
    /// Where the final model is (a Hugging Face checkpoint; full fine-tuning only).
    public var modelDirectory: String? = nil
    /// What the run held by part, as allocated (absent in summaries written before it was recorded).
    public var memory: MemoryParts? = nil
}
