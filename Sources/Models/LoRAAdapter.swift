import Foundation
import Support
import Tensors

/// One LoRA pair on one projection: A is `r × in`, B is `out × r`; the update is `B·A · scaling`.
public struct LoRAWeights: Sendable, Equatable {
    /// Down-projection, `r × in`, row-major.
    public var a: [Float]
    /// Up-projection, `out × r`, row-major.
    public var b: [Float]

    /// A pair from its two matrices.
    public init(a: [Float], b: [Float]) {
        self.a = a
        self.b = b
    }
}

/// LoRA adapters on a LLaMA model, as PEFT defines them: `y = W x + B(A(dropout(x))) · alpha / r`.
public struct LoRAAdapter: Sendable, Equatable {
    /// Rank r.
    public var rank: Int
    /// lora_alpha.
    public var alpha: Double
    /// Dropout on the LoRA input during training.
    public var dropout: Double
    /// rsLoRA scaling (alpha / √r instead of alpha / r).
    public var useRSLoRA: Bool
    /// The projections that carry adapters, in canonical order.
    public var targets: [Projection]
    /// `layers[i][projection]`: the pair on that projection of block i.
    public var layers: [[Projection: LoRAWeights]]

    /// The factor applied to `B·A·x`.
    public var scaling: Float {
        Float(useRSLoRA ? alpha / Double(rank).squareRoot() : alpha / Double(rank))
    }

    /// An adapter from its parts.
    public init(rank: Int, alpha: Double, dropout: Double = 0, useRSLoRA: Bool = false,
                targets: [Projection], layers: [[Projection: LoRAWeights]]) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.useRSLoRA = useRSLoRA
        self.targets = targets.sorted()
        self.layers = layers
    }

    /// A freshly initialised adapter as PEFT initialises it: A ~ U(−1/√in, 1/√in) (Kaiming-uniform with
    /// a = √5), B = 0. Seeded: the same seed gives the same A.
    public static func initialized(config: LlamaConfig, rank: Int, alpha: Double, dropout: Double = 0,
                                   useRSLoRA: Bool = false, targets: [Projection], seed: UInt64) -> LoRAAdapter {
        var layers: [[Projection: LoRAWeights]] = []
        let base = SeededGenerator(seed: seed)
        for layer in 0..<config.numHiddenLayers {
            var pairs: [Projection: LoRAWeights] = [:]
            for p in targets.sorted() {
                var rng = base.substream(UInt64(layer * 16 + Projection.allCases.firstIndex(of: p)!))
                let (out, inp) = p.shape(config)
                let bound = 1 / Float(inp).squareRoot()
                let a = (0..<(rank * inp)).map { _ in (rng.nextUniform() * 2 - 1) * bound }
                pairs[p] = LoRAWeights(a: a, b: [Float](repeating: 0, count: out * rank))
            }
            layers.append(pairs)
        }
        return LoRAAdapter(rank: rank, alpha: alpha, dropout: dropout, useRSLoRA: useRSLoRA, targets: targets, layers: layers)
    }

    /// The PEFT tensor-name prefix of a projection in a block.
    static func peftPrefix(layer: Int, _ p: Projection) -> String {
        "base_model.model.model.layers.\(layer).\(p.modulePath)"
    }

    /// Loads a PEFT adapter directory (`adapter_config.json` + `adapter_model.safetensors`) for a model of
    /// shape `config`; every missing or misshapen tensor is an error naming it.
    public static func load(directory: String, config: LlamaConfig) throws -> LoRAAdapter {
        let configPath = directory + "/adapter_config.json"
        let json: JSONValue
        do { try RegularFile.check(configPath) } catch { throw AdapterError(path: configPath, message: "cannot read adapter configuration: \(error.message)") }
        do { json = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: configPath))) } catch {
            throw AdapterError(path: configPath, message: "cannot read adapter configuration: \(error)")
        }
        func fail(_ m: String) -> AdapterError { AdapterError(path: configPath, message: m) }
        if let type = json["peft_type"]?.string, type != "LORA" { throw fail("peft_type \"\(type)\" is not LORA") }
        guard let rank = json["r"]?.int, rank > 0 else { throw fail("field \"r\" is missing or not a positive integer") }
        guard let alpha = json["lora_alpha"]?.double else { throw fail("field \"lora_alpha\" is missing") }
        let dropout = json["lora_dropout"]?.double ?? 0
        let rs = json["use_rslora"]?.bool ?? false
        if json["use_dora"]?.bool == true { throw fail("DoRA adapters are not supported") }
        if let bias = json["bias"]?.string, bias != "none" { throw fail("bias \"\(bias)\" is not supported (none)") }
        if json["fan_in_fan_out"]?.bool == true { throw fail("fan_in_fan_out is not supported for LLaMA") }
        if let patterns = json["rank_pattern"]?.object, !patterns.isEmpty { throw fail("rank_pattern is not supported") }
        if let patterns = json["alpha_pattern"]?.object, !patterns.isEmpty { throw fail("alpha_pattern is not supported") }
        var targets: [Projection] = []
        switch json["target_modules"] {
        case .array(let names)?:
            for n in names {
                guard let s = n.string, let p = Projection(rawValue: s) else {
                    throw fail("target module \(n) is not one of \(Projection.allCases.map(\.rawValue))")
                }
                targets.append(p)
            }
        case .string("all-linear")?:
            targets = Projection.allCases
        default:
            throw fail("field \"target_modules\" must be a list of projection names")
        }

        let weightsPath = directory + "/adapter_model.safetensors"
        let file = try SafeTensorsFile(path: weightsPath)
        var layers: [[Projection: LoRAWeights]] = []
        var used = 0
        for layer in 0..<config.numHiddenLayers {
            var pairs: [Projection: LoRAWeights] = [:]
            for p in targets {
                let prefix = peftPrefix(layer: layer, p)
                let (out, inp) = p.shape(config)
                let a = try file.entry(prefix + ".lora_A.weight")
                let b = try file.entry(prefix + ".lora_B.weight")
                guard a.shape == [rank, inp] else {
                    throw SafeTensorsError(path: weightsPath, tensor: a.name, message: "shape \(a.shape), expected \([rank, inp])")
                }
                guard b.shape == [out, rank] else {
                    throw SafeTensorsError(path: weightsPath, tensor: b.name, message: "shape \(b.shape), expected \([out, rank])")
                }
                pairs[p] = LoRAWeights(a: try file.floats(a.name), b: try file.floats(b.name))
                used += 2
            }
            layers.append(pairs)
        }
        if used != file.entries.count {
            let expected = Set((0..<config.numHiddenLayers).flatMap { l in targets.flatMap { p in
                ["A", "B"].map { peftPrefix(layer: l, p) + ".lora_\($0).weight" } } })
            let extra = file.entries.keys.filter { !expected.contains($0) }.sorted()
            throw AdapterError(path: weightsPath, message: "tensors this model has no place for: \(extra.prefix(5).joined(separator: ", "))")
        }
        return LoRAAdapter(rank: rank, alpha: alpha, dropout: dropout, useRSLoRA: rs, targets: targets, layers: layers)
    }

    /// Saves in PEFT's layout: `adapter_config.json` (the fields PEFT writes) and `adapter_model.safetensors`.
    public func save(directory: String, baseModel: String, config: LlamaConfig) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var tensors: [(name: String, blob: SafeTensorsBlob)] = []
        for (layer, pairs) in layers.enumerated() {
            for p in targets {
                guard let w = pairs[p] else { continue }
                let (out, inp) = p.shape(config)
                let prefix = Self.peftPrefix(layer: layer, p)
                tensors.append((prefix + ".lora_A.weight", .float32(w.a, shape: [rank, inp])))
                tensors.append((prefix + ".lora_B.weight", .float32(w.b, shape: [out, rank])))
            }
        }
        try SafeTensorsWriter.write(tensors, metadata: ["format": "pt"], to: directory + "/adapter_model.safetensors")
        let fields: [(String, String)] = [
            ("alpha_pattern", "{}"), ("auto_mapping", "null"), ("base_model_name_or_path", Self.jsonString(baseModel)),
            ("bias", "\"none\""), ("fan_in_fan_out", "false"), ("inference_mode", "true"), ("init_lora_weights", "true"),
            ("layers_pattern", "null"), ("layers_to_transform", "null"), ("lora_alpha", Self.jsonNumber(alpha)),
            ("lora_dropout", Self.jsonNumber(dropout)), ("modules_to_save", "null"), ("peft_type", "\"LORA\""),
            ("r", "\(rank)"), ("rank_pattern", "{}"), ("revision", "null"),
            ("target_modules", "[" + targets.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + "]"),
            ("task_type", "\"CAUSAL_LM\""), ("use_dora", "false"), ("use_rslora", useRSLoRA ? "true" : "false"),
        ]
        let body = fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n")
        try AtomicFile.write(Array("{\n\(body)\n}\n".utf8), to: directory + "/adapter_config.json")
    }

    static func jsonString(_ s: String) -> String {
        String(decoding: try! JSONEncoder().encode(s), as: UTF8.self)
    }

    static func jsonNumber(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }
}

/// An adapter directory that cannot be used: names the file and the reason.
public struct AdapterError: Error, CustomStringConvertible, Sendable {
    /// The file concerned.
    public let path: String
    /// What is wrong.
    public let message: String

    public var description: String { "\(path): \(message)" }
}
