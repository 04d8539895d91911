import ArgumentParser
import Foundation
import Models

/// What a command-line value will make the process allocate, estimated before it does and compared with the
/// machine's memory, so that `--batch-size 100000000` is a usage error saying the estimate instead of a process
/// the kernel kills after it has taken every page.
///
/// The estimates are lower bounds (only what must certainly be held at once), so a value refused here could
/// never have run; a value that passes may still be too large for what else the machine is doing.
enum MemoryEstimate {
    /// The memory of this machine, in bytes.
    static var physicalMemory: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    /// Bytes of the LoRA matrices A and B over `targets` in every layer of `config`, with their gradients and
    /// Adam's two moments (four floats per parameter).
    static func lora(_ config: LlamaConfig, rank: Int, targets: [Projection]) -> Double {
        let perLayer = targets.reduce(0.0) { sum, target in
            let shape = target.shape(config)
            return sum + Double(rank) * Double(shape.out + shape.in)
        }
        return perLayer * Double(config.numHiddenLayers) * 4 * 4
    }

    /// Bytes a training micro-batch of `batch` sequences of `length` tokens holds at the least: the residual
    /// stream at every layer boundary (kept for the backward pass, even with gradient checkpointing) and one
    /// layer's attention probabilities.
    static func activations(_ config: LlamaConfig, batch: Int, length: Int) -> Double {
        let tokens = Double(batch) * Double(length)
        let residual = tokens * Double(config.hiddenSize) * Double(config.numHiddenLayers + 1)
        let attention = tokens * Double(length) * Double(config.numAttentionHeads)
        return (residual + attention) * 4
    }

    /// Throws a usage error when `bytes` exceed the machine's memory; `what` says which values asked for them.
    static func require(_ bytes: Double, for what: String) throws {
        guard bytes > physicalMemory else { return }
        throw ValidationError("\(what) needs at least \(format(bytes)) of memory (estimated before allocating), "
            + "more than this machine's \(format(physicalMemory))")
    }

    /// Bytes as a person reads them: 1.5 GiB, 230.0 TiB.
    static func format(_ bytes: Double) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = bytes
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) bytes" : String(format: "%.1f", value) + " " + units[unit]
    }
}
