/// Element types a safetensors file can hold that this project reads.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16", u8 = "U8", i8 = "I8", i32 = "I32", i64 = "I64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f32, .i32: 4
        case .f16, .bf16: 2
        case .u8, .i8: 1
        case .i64: 8
        }
    }
}

/// Conversions between float32 and the 16-bit float formats checkpoints use.
public enum HalfPrecision {
    /// IEEE 754 binary16 bits → float32 (exact).
    @inlinable
    public static func float(fromHalf bits: UInt16) -> Float {
        Float(Float16(bitPattern: bits))
    }

    /// bfloat16 bits → float32 (exact: bfloat16 is the top half of a float32).
    @inlinable
    public static func float(fromBFloat16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// float32 → bfloat16 bits, round-to-nearest-even; NaN stays NaN.
    @inlinable
    public static func bfloat16(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x40 }
        let rounding: UInt32 = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }

    /// float32 → binary16 bits, round-to-nearest-even, saturating to infinity.
    @inlinable
    public static func half(from value: Float) -> UInt16 {
        Float16(value).bitPattern
    }
}
