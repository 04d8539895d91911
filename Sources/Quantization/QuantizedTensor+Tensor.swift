import Tensors

/// Conversions between `Tensor` and its 4-bit form.
extension QuantizedTensor {
    /// Quantizes `tensor`, keeping its shape.
    public init(quantizing tensor: Tensor, type: QuantizationType, blocksize: Int = 64, doubleQuant: Bool) throws(QuantizationError) {
        try self.init(quantizing: tensor.scalars, shape: tensor.shape, type: type, blocksize: blocksize, doubleQuant: doubleQuant)
    }

    /// The dequantized tensor, in this tensor's shape.
    public func dequantizedTensor() -> Tensor {
        Tensor(shape: shape, scalars: dequantized())
    }
}
