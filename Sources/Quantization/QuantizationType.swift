/// The 4-bit data types: NormalFloat4 and FP4 as bitsandbytes defines them, and symmetric Int4.
public enum QuantizationType: String, Codable, Sendable, CaseIterable {
    /// NormalFloat4: 16 quantiles of a normal distribution, with an exact zero (code 7).
    case nf4
    /// bitsandbytes' FP4 (1 sign, 2 exponent, 1 mantissa bit), normalized to a maximum of 1.
    case fp4
    /// Symmetric integer levels k/7, k = −7…7 (the paper's Int4 baseline).
    case int4

    /// This type's codebook.
    @inlinable
    public var codebook: FourBitCodebook {
        switch self {
        case .nf4: FourBitCodebook.nf4
        case .fp4: FourBitCodebook.fp4
        case .int4: FourBitCodebook.int4
        }
    }
}
