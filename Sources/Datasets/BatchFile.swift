import Tensors

/// Pre-tokenized batches stored in a safetensors file as `stepNNN_input_ids`, `stepNNN_attention_mask` and
/// `stepNNN_labels` (the reference fixtures' layout), read as `Batch` values.
public struct BatchFile: Sendable {
    /// The file.
    public let path: String
    /// The steps the file holds, ascending (0-based as the names write them).
    public let steps: [Int]
    private let file: SafeTensorsFile

    /// Opens `path` and lists its steps; throws when a step lacks one of its three tensors.
    public init(path: String) throws(DataError) {
        do {
            file = try SafeTensorsFile(path: path)
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        self.path = path
        var found: [Int: Set<String>] = [:]
        for name in file.entries.keys {
            guard name.hasPrefix("step"), let underscore = name.firstIndex(of: "_"),
                  let step = Int(name[name.index(name.startIndex, offsetBy: 4)..<underscore]) else { continue }
            found[step, default: []].insert(String(name[name.index(after: underscore)...]))
        }
        let needed: Set<String> = ["input_ids", "attention_mask", "labels"]
        for (step, parts) in found where parts.intersection(needed) != needed {
            throw .unreadable(path: path, reason: "step \(step) lacks \(needed.subtracting(parts).sorted().joined(separator: ", "))")
        }
        steps = found.keys.sorted()
    }

    /// The batch of `step`.
    public func batch(step: Int) throws(DataError) -> Batch {
        let prefix = "step" + String(repeating: "0", count: max(0, 3 - String(step).count)) + String(step) + "_"
        do {
            let entry = try file.entry(prefix + "input_ids")
            guard entry.shape.count == 2 else {
                throw DataError.unreadable(path: path, reason: "\(prefix)input_ids has shape \(entry.shape); expected batch × sequence")
            }
            for name in ["attention_mask", "labels"] where try file.entry(prefix + name).shape != entry.shape {
                throw DataError.unreadable(path: path, reason: "\(prefix)\(name) does not have input_ids' shape \(entry.shape)")
            }
            return try Batch(batchSize: entry.shape[0], sequenceLength: entry.shape[1],
                             inputIDs: try file.integers(prefix + "input_ids"),
                             attentionMask: try file.integers(prefix + "attention_mask"),
                             labels: try file.integers(prefix + "labels"))
        } catch let error as DataError {
            throw error
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    /// Every batch, in step order.
    public func batches() throws(DataError) -> [Batch] {
        var out: [Batch] = []
        for step in steps { out.append(try batch(step: step)) }
        return out
    }
}
