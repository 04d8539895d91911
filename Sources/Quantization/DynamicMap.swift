/// bitsandbytes' 8-bit dynamic data type (`create_dynamic_map`): a decimal exponent with a shrinking
/// linear fraction, 256 float32 values in ascending order, index = code.
public enum DynamicMap {
    /// The signed map (127 negative values, zero, 128 positive up to 1.0): double-quantization constants
    /// and the first Adam moment.
    public static let signed: [Float] = make(signed: true)
    /// The unsigned map (zero and 255 positive values up to 1.0): the second Adam moment.
    public static let unsigned: [Float] = make(signed: false)

    /// Builds the map for `max_exponent_bits = 7, total_bits = 8`.
    ///
    /// Reproduces every bit of the reference, which depends on how PyTorch's CPU `linspace` rounds in
    /// float32: `step = (1 − 0.1) / (n − 1)`, the first half as `0.1 + step·i` and the second half as
    /// `1 − step·(n − 1 − i)`, each a fused multiply–add (the compiler contracts them); then midpoints
    /// `(b[k] + b[k+1]) / 2` and a float32 product with the decimal scale 10^(i−6).
    public static func make(signed: Bool) -> [Float] {
        // 10^(i−6) as the float64 literals Python computes, rounded to float32 as PyTorch does for a scalar.
        let decades: [Double] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]
        var values: [Float] = []
        for i in 0..<7 {
            let count = signed ? (1 << i) + 1 : (1 << (i + 1)) + 1
            let boundaries = linspace(from: 0.1, to: 1, count: count)
            let factor = Float(decades[i])
            for k in 0..<(count - 1) {
                let mean = (boundaries[k] + boundaries[k + 1]) / 2
                values.append(factor * mean)
                if signed { values.append(-factor * mean) }
            }
        }
        values.append(0)
        values.append(1)
        return values.sorted()
    }

    /// PyTorch's float32 CPU `linspace`, which fills each half from its own end.
    static func linspace(from start: Float, to end: Float, count: Int) -> [Float] {
        let step = (end - start) / Float(count - 1)
        let halfway = count / 2
        return (0..<count).map { i in
            i < halfway ? start.addingProduct(step, Float(i)) : end.addingProduct(-step, Float(count - 1 - i))
        }
    }
}
