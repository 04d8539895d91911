import Foundation
import Support
import Tensors

/// A Hugging Face checkpoint directory: `config.json` and `model.safetensors`, or shards listed in
/// `model.safetensors.index.json`. Tensors are read lazily, one at a time, converted to float32.
public final class HuggingFaceCheckpoint: @unchecked Sendable {
    /// The directory.
    public let directory: String
    /// The parsed configuration.
    public let config: LlamaConfig
    /// Which file holds each tensor.
    private let fileOfTensor: [String: String]
    private var open: [String: SafeTensorsFile] = [:]

    /// Opens `directory`, reading its configuration and the index of its weights.
    public init(directory: String) throws {
        self.directory = directory
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelLoadError(path: directory, message: "not a directory (expected config.json and model.safetensors)")
        }
        config = try LlamaConfig.load(path: directory + "/config.json")
        let single = directory + "/model.safetensors"
        let index = directory + "/model.safetensors.index.json"
        if fm.fileExists(atPath: single) {
            let file = try SafeTensorsFile(path: single)
            open[single] = file
            fileOfTensor = Dictionary(uniqueKeysWithValues: file.entries.keys.map { ($0, single) })
        } else if fm.fileExists(atPath: index) {
            let json: JSONValue
            do { try RegularFile.check(index) } catch { throw ModelLoadError(path: index, message: error.message) }
            do { json = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: index))) } catch {
                throw ModelLoadError(path: index, message: "not valid JSON")
            }
            guard let map = json["weight_map"]?.object else {
                throw ModelLoadError(path: index, message: "field \"weight_map\" is missing or not an object")
            }
            var files: [String: String] = [:]
            for (name, value) in map {
                guard let file = value.string, !file.contains("/") else {
                    throw ModelLoadError(path: index, tensor: name, message: "shard name \(value) is not a file name")
                }
                files[name] = directory + "/" + file
            }
            fileOfTensor = files
        } else {
            throw ModelLoadError(path: directory, message: "no model.safetensors or model.safetensors.index.json")
        }
    }

    /// Names of every tensor in the checkpoint.
    public var tensorNames: [String] { fileOfTensor.keys.sorted() }

    /// The tensor `name` as float32, or nil when the checkpoint has no such tensor.
    public func tensor(_ name: String) throws -> Tensor? {
        guard let path = fileOfTensor[name] else { return nil }
        let file: SafeTensorsFile
        if let f = open[path] { file = f } else {
            file = try SafeTensorsFile(path: path)
            open[path] = file
        }
        guard file.entries[name] != nil else {
            throw ModelLoadError(path: path, tensor: name, message: "listed in the index but absent from the shard")
        }
        return try file.tensor(name)
    }

    /// Builds the model; `linear` decides how each frozen projection is stored.
    public func model(linear: (String, Tensor) throws -> FrozenLinear) throws -> LlamaModel {
        try config.family.readCheckpoint(config, directory, tensorNames, tensor, linear)
    }
}
