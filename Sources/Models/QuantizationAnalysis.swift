import Quantization
import Tensors

/// What quantizing one weight costs: storage and error against the float32 original.
public struct QuantizationErrorStats: Sendable, Codable, Equatable {
    /// The weight's name.
    public var name: String
    /// Its shape.
    public var shape: [Int]
    /// Number of parameters.
    public var parameters: Int
    /// Exact storage: codes plus constants.
    public var storageBits: Int
    /// Root-mean-square error of the dequantized weight.
    public var rmse: Double
    /// Largest absolute error of one element.
    public var maxAbsError: Double
    /// Root-mean-square of the original weight (for relative figures).
    public var rms: Double

    /// Storage bits per parameter.
    public var bitsPerParameter: Double { Double(storageBits) / Double(max(parameters, 1)) }
}

/// Quantizes every frozen linear weight of a model and measures what it costs.
public enum QuantizationAnalysis {
    /// Measures one weight.
    public static func measure(name: String, weight: Tensor, quantization: WeightQuantization) throws -> QuantizationErrorStats {
        let q = try QuantizedTensor(quantizing: weight.scalars, shape: weight.shape, type: quantization.type,
                                    blocksize: quantization.blocksize, doubleQuant: quantization.doubleQuant)
        let restored = q.dequantized()
        var squared = 0.0, original = 0.0, worst = 0.0
        for (x, y) in zip(weight.scalars, restored) {
            let e = Double(x) - Double(y)
            squared += e * e
            original += Double(x) * Double(x)
            worst = max(worst, abs(e))
        }
        let n = Double(max(weight.count, 1))
        return QuantizationErrorStats(name: name, shape: weight.shape, parameters: weight.count, storageBits: q.storageBits,
                                      rmse: (squared / n).squareRoot(), maxAbsError: worst, rms: (original / n).squareRoot())
    }

    /// Measures every projection weight of `config`'s blocks (everything but embeddings, norms and `lm_head`),
    /// reading each weight through `tensor` one at a time.
    public static func measureModel(config: LlamaConfig, source: String, quantization: WeightQuantization,
                                    tensor: (String) throws -> Tensor?,
                                    progress: (Int, Int) -> Void = { _, _ in }) throws -> [QuantizationErrorStats] {
        var results: [QuantizationErrorStats] = []
        let total = config.numHiddenLayers * Projection.allCases.count
        for l in 0..<config.numHiddenLayers {
            for p in Projection.allCases {
                let name = p.weightName(layer: l)
                guard let w = try tensor(name) else { throw ModelLoadError(path: source, tensor: name, message: "missing") }
                let (out, inp) = p.shape(config)
                guard w.shape == [out, inp] else {
                    throw ModelLoadError(path: source, tensor: name, message: "shape \(w.shape), expected \([out, inp])")
                }
                results.append(try measure(name: name, weight: w, quantization: quantization))
                progress(results.count, total)
            }
        }
        return results
    }

    /// The totals over many weights: RMSE pooled over all elements, the largest error overall.
    public static func total(_ rows: [QuantizationErrorStats]) -> QuantizationErrorStats {
        var params = 0, bits = 0, squared = 0.0, original = 0.0, worst = 0.0
        for r in rows {
            params += r.parameters
            bits += r.storageBits
            squared += r.rmse * r.rmse * Double(r.parameters)
            original += r.rms * r.rms * Double(r.parameters)
            worst = max(worst, r.maxAbsError)
        }
        let n = Double(max(params, 1))
        return QuantizationErrorStats(name: "total", shape: [params], parameters: params, storageBits: bits,
                                      rmse: (squared / n).squareRoot(), maxAbsError: worst, rms: (original / n).squareRoot())
    }
}
