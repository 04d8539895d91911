import Benchmark
import ExperimentSpec
import Experiments
import Foundation
import Runner

/// Planning a large grid: the Appendix B grid with 56 seeds (`qlab plan appendix-b --axis seed=0,…,55`, 10,080
/// cells), expanded into cells alone and planned as `qlab plan` does (identities, manifest entries, statuses from a
/// fresh store, nothing recorded). The inputs are not required, so the measurement does not depend on prepared data.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
        warmupIterations: 1,
        maxDuration: .seconds(30),
        maxIterations: 5
    )
    let seeds = (0..<56).map(String.init).joined(separator: ",")

    Benchmark("Expand appendix-b with 56 seeds (10,080 cells)") { benchmark in
        let overrides = try Overrides(axes: ["seed=" + seeds])
        for _ in benchmark.scaledIterations {
            blackHole(try Experiments.appendixB.cells(overrides: overrides).count)
        }
    }

    Benchmark("Plan appendix-b with 56 seeds (10,080 cells)") { benchmark in
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-plan-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let runner = try GridRunner(experiment: Experiments.appendixB, runsRoot: runs, overrides: try Overrides(axes: ["seed=" + seeds]))
        for _ in benchmark.scaledIterations {
            blackHole(try runner.plan(requireInputs: false, record: false).count)
        }
    }
}
