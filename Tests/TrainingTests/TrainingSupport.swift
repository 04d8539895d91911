import Support
import Foundation
import Models
import Tensors

enum TrainingPaths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ relative: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative).path
    }

    static let tinyLlama = fixture("qlora-reference/tiny-llama/base")
    static let batches = fixture("qlora-reference/tiny-llama/batches.safetensors")
    static let run = fixture("qlora-reference/tiny-llama/r8_a16_lr1e-3_all_dq")
    static let optim8 = fixture("qlora-reference/tiny-llama/optim8")

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func referenceJSON(_ path: String) throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

func relativeDifference(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var diff = 0.0, norm = 0.0
    for (x, y) in zip(a, b) {
        diff += Double(x - y) * Double(x - y)
        norm += Double(y) * Double(y)
    }
    return (diff / max(norm, 1e-300)).squareRoot()
}

/// All A and B matrices of an adapter, flattened in a fixed order.
func flatten(_ adapter: LoRAAdapter) -> [Float] {
    adapter.layers.flatMap { layer in adapter.targets.flatMap { p in (layer[p]?.a ?? []) + (layer[p]?.b ?? []) } }
}

/// `gradients` against central differences of `loss` at `values` (step `h` in every coordinate): the relative
/// error ‖g − numeric‖ / ‖numeric‖ and the coordinate that is furthest off.
func centralDifferences(gradients: [Double], at values: [Double], h: Double = 1e-4,
                        loss: ([Double]) -> Double) -> (relative: Double, worst: (index: Int, error: Double)) {
    var difference = 0.0, norm = 0.0, worst = (index: 0, error: 0.0)
    for i in values.indices {
        var plus = values, minus = values
        plus[i] += h
        minus[i] -= h
        let numeric = (loss(plus) - loss(minus)) / (2 * h)
        difference += (gradients[i] - numeric) * (gradients[i] - numeric)
        norm += numeric * numeric
        let error = abs(gradients[i] - numeric)
        if error > worst.error { worst = (i, error) }
    }
    return ((difference / norm).squareRoot(), worst)
}
