import ExperimentSpec
import Foundation
import Lineage
import Runner
import Tensors
import Testing

extension GridRunnerTests {
    /// A rerun on the other matmul backend records another kernel, so it is compared within the cross-kernel
    /// tolerance (which a correct backend meets) instead of bit for bit.
    @Test func aRerunOnTheOtherBackendComparesWithinTolerance() throws {
        let f = try Self.fixture()
        let runner = try GridRunner(experiment: f.experiment, runsRoot: f.root + "/runs")
        let cells = try runner.plan(only: [("lora.rank", "8"), ("data.datasets", "a")])
        runner.workerEnvironment = ["QLAB_MATMUL": "openblas"]
        _ = try runner.run(cells, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: Self.quiet)
        runner.workerEnvironment = ["QLAB_MATMUL": "onednn"]
        let across = try runner.rerun(cell: cells[0].entry.cell, cores: 2, executable: CLI.executable.path, say: Self.quiet)
        let original = try #require(across.parentKernel), other = try #require(across.kernel)
        #expect(!original.hasPrefix("oneDNN"), "\(original)")
        #expect(other.hasPrefix("oneDNN ") && other.hasSuffix("+ OpenBLAS \(original)"), "\(other)")
        #expect(!across.sameKernel)
        #expect(across.agreesWithinTolerance, "largest relative difference \(across.largestRelativeDifference)")
        #expect(across.largestRelativeDifference < GridRunner.crossKernelTolerance)
    }

    /// A grid's workers run the backend of the `auto` verdict the grid's process hands them, whatever they would
    /// choose on their own: each verdict here is followed, so the test holds whichever backend is faster here.
    @Test(arguments: [MatmulBackend.openblas, .onednn])
    func workersFollowTheVerdictTheyAreHanded(backend: MatmulBackend) throws {
        let f = try Self.fixture()
        let runner = try GridRunner(experiment: f.experiment, runsRoot: f.root + "/runs")
        let cells = try runner.plan(only: [("lora.rank", "8"), ("data.datasets", "a")])
        let verdict = MatmulSelection(backend: backend, request: .auto, reason: "auto: planted by the test",
                                      onednnCheck: nil, rates: nil)
        // No backend named (make test names one), only the verdict.
        runner.workerEnvironment = ["QLAB_MATMUL": "", MatmulSelection.inheritedVariable: verdict.inheritedValue]
        _ = try runner.run(cells, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: Self.quiet)
        let store = try LineageStore(path: f.root + "/runs/lineage.sqlite")
        let kernel = try #require(try store.runs(cell: cells[0].entry.cell).last?.facts.blasCore)
        #expect(kernel.hasPrefix("oneDNN ") == (backend == .onednn), "\(kernel)")
    }
}
