/// A GGUF file that cannot be read or used as asked: names the file, the key or tensor concerned, and the problem.
public struct GGUFError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file.
    public let path: String
    /// The metadata key concerned, when the problem is one key's.
    public let key: String?
    /// The tensor concerned, when the problem is one tensor's.
    public let tensor: String?
    /// What is wrong.
    public let message: String

    /// An error about `path`, optionally one key's or one tensor's.
    public init(path: String, key: String? = nil, tensor: String? = nil, message: String) {
        self.path = path
        self.key = key
        self.tensor = tensor
        self.message = message
    }

    public var description: String {
        var text = path
        if let key { text += ": key \"\(key)\"" }
        if let tensor { text += ": tensor \"\(tensor)\"" }
        return text + ": " + message
    }
}
