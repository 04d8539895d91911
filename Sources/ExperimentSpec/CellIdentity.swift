/// A cell's identity: SHA-256 of its canonical configuration and of the content hashes of what it reads.
///
/// The experiment's name is deliberately left out: the same configuration on the same files is the same
/// computation, whichever experiment asks for it.
public struct CellIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The full digest, 64 lower-case hex digits.
    public let digest: String
    /// Inputs that had no hash in the map: their names are hashed instead, so the id cannot see their content.
    public let unhashedInputs: [String]

    /// Version of the hashed layout below; bumping it changes every id on purpose.
    public static let layoutVersion = "qlab-cell-v1"

    /// The identity of `canonicalConfig` reading `inputs`, whose hashes are looked up in `inputHashes`.
    public init(canonicalConfig: String, inputs: [String], inputHashes: [String: String]) {
        // Sorted and de-duplicated: the id depends on what is read, not on how often or in what order it is listed.
        let names = Array(Set(inputs)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var text = CellIdentity.layoutVersion + "\n" + canonicalConfig + "\n"
        var unhashed: [String] = []
        for name in names {
            // Names as JSON strings, so that no path can fake a line break or a separator.
            let quoted = CanonicalJSON.write(.string(name))
            if let hash = inputHashes[name] {
                text += "input \(quoted) sha256:\(hash)\n"
            } else {
                text += "input \(quoted) unhashed\n"
                unhashed.append(name)
            }
        }
        digest = SHA256.hexDigest(text.utf8)
        unhashedInputs = unhashed
    }

    /// The short id shown to people and used as the cell's directory: the digest's first 12 hex digits.
    public var id: String { String(digest.prefix(12)) }

    public var description: String { id }
}
