import ExperimentSpec
import Foundation
import Tensors

/// `qlab data prepare`: converts the registry packages `scripts/setup` fetched into JSONL under the data
/// folder, with a manifest of sources, licences, counts and hashes. Deterministic: the same sources give
/// byte-identical files.
public struct DatasetPreparer: Sendable {
    /// Where `pip download` put the wheels.
    public var downloads: String
    /// Where Debian's fortunes packages put their files.
    public var fortunes: String
    /// The data folder to write.
    public var output: String
    /// Where Debian's `wordnet-base` put WordNet's data files.
    public var wordnet: String = "/usr/share/wordnet"
    /// The dpkg status file (for the fortunes packages' versions).
    public var dpkgStatus: String = "/var/lib/dpkg/status"

    /// The prepared datasets' names, in the order they are prepared.
    public static let names = ["chatterbot-en", "chatterbot-zh", "chitchat", "fortunes-en", "fortunes-zh", "tasks-en", "tasks-zh",
                               "wordnet-en", "poems-zh"]

    /// A preparer reading `downloads` and `fortunes`, writing into `output`.
    public init(downloads: String, fortunes: String = "/usr/share/games/fortunes", output: String) {
        self.downloads = downloads
        self.fortunes = fortunes
        self.output = output
    }

    /// What one run did: the manifest written, and the sources that were missing.
    public struct Outcome: Sendable {
        /// The manifest now in the data folder.
        public var manifest: DatasetManifest
        /// "name: reason" for each dataset that could not be prepared.
        public var missing: [String]
    }

    /// Prepares every dataset whose source is present; a missing source is reported, not fatal, and leaves the
    /// previous preparation of that dataset (if any) in the manifest.
    public func prepare(log: (String) -> Void = { _ in }) throws -> Outcome {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let previous = (try? DatasetManifest.read(path: output + "/manifest.json"))?.datasets ?? []
        var entries: [DatasetManifest.Entry] = []
        var missing: [String] = []
        let steps: [(names: [String], run: () throws -> [DatasetManifest.Entry])] = [
            (["chatterbot-en", "chatterbot-zh"], { try prepareChatterbot() }),
            (["chitchat"], { [try prepareChitchat()] }),
            (["fortunes-en", "fortunes-zh"], { try prepareFortunes() }),
            (["tasks-en", "tasks-zh"], { try prepareTasks() }),
            (["wordnet-en"], { [try prepareWordNet()] }),
            (["poems-zh"], { [try preparePoems()] }),
        ]
        for step in steps {
            do {
                let made = try step.run()
                for entry in made {
                    log("\(entry.name): " + entry.files.map { "\($0.records) \($0.role)" }.joined(separator: ", "))
                }
                entries += made
            } catch let absent as MissingSource {
                missing += step.names.map { "\($0): \(absent.reason)" }
                entries += previous.filter { step.names.contains($0.name) }
                log("skipped \(step.names.joined(separator: ", ")): \(absent.reason)")
            }
        }
        let manifest = DatasetManifest(datasets: entries)
        try AtomicFile.write(try manifest.encoded(), to: output + "/manifest.json")
        try Self.makeReadable(output + "/manifest.json")
        return Outcome(manifest: manifest, missing: missing)
    }

    /// A source that is not on this machine: reported and skipped, unlike a source that is present but wrong.
    struct MissingSource: Error {
        let reason: String
    }

    /// Writes `lines` as a JSONL file at `relative` and describes it for the manifest.
    func write(_ lines: [DataJSONLine], to relative: String, role: String) throws -> DatasetManifest.File {
        let path = output + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var bytes: [UInt8] = []
        for line in lines {
            bytes += Array(line.serialized.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        try AtomicFile.write(bytes, to: path)
        try Self.makeReadable(path)
        return DatasetManifest.File(role: role, path: relative, records: lines.count, bytes: bytes.count, sha256: SHA256.hexDigest(bytes))
    }

    /// Copies a licence text next to the data it covers.
    func writeLicence(_ text: [UInt8], to relative: String) throws {
        try AtomicFile.write(text, to: output + "/" + relative)
        try Self.makeReadable(output + "/" + relative)
    }

    /// Data is for everyone on the machine to read (atomic writes create owner-only temporary files).
    static func makeReadable(_ path: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
    }

    /// The one wheel of `package`-`version` in the downloads folder.
    func wheel(_ package: String, _ version: String) throws -> DatasetZipArchive {
        let prefix = package.replacingOccurrences(of: "-", with: "_") + "-" + version + "-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: downloads)) ?? []
        guard let name = names.sorted().first(where: { $0.hasPrefix(prefix) && $0.hasSuffix(".whl") }) else {
            throw MissingSource(reason: "no \(prefix)*.whl in \(downloads) (scripts/setup downloads it)")
        }
        return try DatasetZipArchive(path: downloads + "/" + name)
    }

    /// Splits `items` into training and evaluation parts with a seeded permutation (eval: `fraction`, at least 1).
    static func split<T>(_ items: [T], fraction: Double, seed: UInt64) -> (train: [T], eval: [T]) {
        var generator = SeededGenerator(seed: seed)
        let order = BatchOrder.permutation(items.count, using: &generator)
        let count = items.count < 2 ? 0 : max(1, Int((Double(items.count) * fraction).rounded(.up)))
        let held = Set(order.prefix(count))
        return (items.indices.filter { !held.contains($0) }.map { items[$0] }, items.indices.filter { held.contains($0) }.map { items[$0] })
    }

    /// The installed version of Debian package `name`, from dpkg's status file.
    func debianVersion(_ name: String) -> String? {
        guard let status = try? String(contentsOfFile: dpkgStatus, encoding: .utf8) else { return nil }
        for paragraph in status.components(separatedBy: "\n\n") {
            let lines = paragraph.split(separator: "\n")
            guard lines.contains("Package: \(name)") else { continue }
            return lines.first { $0.hasPrefix("Version: ") }.map { String($0.dropFirst(9)) }
        }
        return nil
    }
}
