import ExperimentSpec

#if canImport(Glibc)
import Glibc
#endif

/// The learning rate at each optimizer step, as Hugging Face's schedulers define them.
public struct LearningRateSchedule: Sendable, Equatable {
    /// The schedule's shape and warm-up.
    public let settings: ScheduleSettings
    /// Peak learning rate.
    public let peak: Double
    /// Total optimizer steps (the decay schedules reach 0 there).
    public let totalSteps: Int

    /// A schedule of `settings` peaking at `peak` over `totalSteps` steps.
    public init(_ settings: ScheduleSettings, peak: Double, totalSteps: Int) {
        self.settings = settings
        self.peak = peak
        self.totalSteps = totalSteps
    }

    /// The rate used for step `step` (0-based: the first update is step 0).
    public func rate(at step: Int) -> Double {
        let warmup = settings.warmupSteps
        switch settings.kind {
        case .constant:
            // As transformers' "constant": warm-up steps are ignored (QLoRA's warmup_ratio is a no-op there).
            return peak
        case .constantWithWarmup:
            return step < warmup ? peak * Double(step) / Double(max(1, warmup)) : peak
        case .linear:
            if step < warmup { return peak * Double(step) / Double(max(1, warmup)) }
            return peak * max(0, Double(totalSteps - step) / Double(max(1, totalSteps - warmup)))
        case .cosine:
            if step < warmup { return peak * Double(step) / Double(max(1, warmup)) }
            let progress = Double(step - warmup) / Double(max(1, totalSteps - warmup))
            return peak * max(0, 0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}
