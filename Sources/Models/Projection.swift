/// The seven linear projections of a LLaMA block, named as Hugging Face and PEFT name them.
public enum Projection: String, CaseIterable, Codable, Sendable, Comparable {
    case q = "q_proj", k = "k_proj", v = "v_proj", o = "o_proj"
    case gate = "gate_proj", up = "up_proj", down = "down_proj"

    /// The module path inside a block: `self_attn.q_proj`, `mlp.down_proj`, ...
    public var modulePath: String {
        switch self {
        case .q, .k, .v, .o: "self_attn.\(rawValue)"
        case .gate, .up, .down: "mlp.\(rawValue)"
        }
    }

    /// Output and input widths of this projection's weight (`[out, in]`).
    public func shape(_ c: LlamaConfig) -> (out: Int, in: Int) {
        switch self {
        case .q: (c.queryWidth, c.hiddenSize)
        case .k, .v: (c.keyValueWidth, c.hiddenSize)
        case .o: (c.hiddenSize, c.queryWidth)
        case .gate, .up: (c.intermediateSize, c.hiddenSize)
        case .down: (c.hiddenSize, c.intermediateSize)
        }
    }

    /// The Hugging Face weight name of this projection in block `layer`.
    public func weightName(layer: Int) -> String { "model.layers.\(layer).\(modulePath).weight" }

    /// The Hugging Face bias name of this projection in block `layer`.
    public func biasName(layer: Int) -> String { "model.layers.\(layer).\(modulePath).bias" }

    public static func < (a: Projection, b: Projection) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
