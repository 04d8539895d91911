import ExperimentSpec
import Foundation
import Lineage
@testable import Runner
import Tensors
import Testing

/// Cell files from another machine, mutated 4,200 times with a fixed seed: a manifest, a `run.json` and
/// an `artifacts.json` that lie in every way a JSON file can (hostile names and paths, wrong types, huge
/// numbers, control characters, cut bytes). Reading them must end in a value or a thrown error, never a crash;
/// what is accepted must stay inside its folder; nothing may be written outside the scratch root.
@Suite(.serialized)
struct CellFilesFuzzTests {
    static let seed: UInt64 = 20_261_207
    nonisolated(unsafe) static let hostile: [Any] = [
        "../../elsewhere", "/etc/passwd", "..", ".", "", "a/../../b", "x\ny", "`id`", "<script>", String(repeating: "a", count: 5000),
        "tiny-contained/../..", "tiny-contained//x", "\u{0}", -1, 1e300, Int.max, true, NSNull(), [String](), ["k": "v"],
    ]

    /// One mutation of a JSON value: a leaf replaced by a hostile value, a key removed, or left as it is.
    static func mutate(_ value: Any, using rng: inout SeededGenerator, depth: Int = 0) -> Any {
        let roll = Int(rng.next() % 100)
        if depth > 0, roll < 12 { return hostile[Int(rng.next() % UInt64(hostile.count))] }
        if var object = value as? [String: Any], !object.isEmpty {
            let keys = object.keys.sorted()
            let key = keys[Int(rng.next() % UInt64(keys.count))]
            if roll > 92 { object[key] = nil } else { object[key] = mutate(object[key]!, using: &rng, depth: depth + 1) }
            return object
        }
        if var array = value as? [Any], !array.isEmpty {
            let i = Int(rng.next() % UInt64(array.count))
            array[i] = mutate(array[i], using: &rng, depth: depth + 1)
            return array
        }
        return depth > 0 ? hostile[Int(rng.next() % UInt64(hostile.count))] : value
    }

    /// The bytes of a mutation: the JSON of `mutate`, sometimes cut short or with a byte flipped.
    static func bytes(_ value: Any, using rng: inout SeededGenerator) throws -> Data {
        var data = try JSONSerialization.data(withJSONObject: mutate(value, using: &rng), options: [.fragmentsAllowed])
        let roll = rng.next() % 10
        if roll == 0, !data.isEmpty { data = data.prefix(Int(rng.next() % UInt64(data.count))) }
        if roll == 1, !data.isEmpty { let i = Int(rng.next() % UInt64(data.count)); data[i] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
        return data
    }

    /// Every file under `root`, with its size and modification time.
    static func snapshot(_ root: String) -> [String: String] {
        var files: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return files }
        while let path = walker.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + path)
            files[path] = "\(attributes?[.size] ?? 0) \((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        }
        return files
    }

    @Test func mutatedManifestsRunFilesAndArtifactListsAreReadOrRefused() throws {
        let scratch = TrainCommandTests.temporary()
        let root = scratch + "/root"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        // A real cell folder and manifest, from a one-step grid.
        let (runner, entry) = try CellContainmentTests.grid(root)
        try CellWorker(entry: entry, runsRoot: runner.runsRoot, threads: BLAS.threads).run(say: { _ in })
        let cell = runner.runsRoot + "/" + entry.directory
        try CellManifest(runsRoot: runner.runsRoot, entries: [entry]).write(to: root + "/manifest.json")
        let originals = try ["manifest.json": root + "/manifest.json", "run.json": cell + "/run.json", "artifacts.json": cell + "/artifacts.json"]
            .mapValues { try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: $0))) }
        let outside = Self.snapshot(scratch).filter { $0.key != "root" && !$0.key.hasPrefix("root/") }
        let store = try LineageStore(path: root + "/fuzz.sqlite")

        var rng = SeededGenerator(seed: Self.seed)
        var counts = (manifestRead: 0, manifestRefused: 0, ingested: 0, ingestRefused: 0)
        // 4,200 here and the 6,000 wheels of ArchiveFuzzTests make the 10,000 mutated inputs.
        for i in 0..<4_200 {
            let which = ["manifest.json", "run.json", "artifacts.json"][i % 3]
            let data = try Self.bytes(originals[which]!, using: &rng)
            if which == "manifest.json" {
                try data.write(to: URL(fileURLWithPath: root + "/manifest.json"))
                if let manifest = try? CellManifest.read(path: root + "/manifest.json") {
                    counts.manifestRead += 1
                    for e in manifest.entries {
                        // Accepted: its folder is below the runs root, made of plain names.
                        let resolved = URL(fileURLWithPath: manifest.runsRoot + "/" + e.directory).standardizedFileURL.path
                        #expect(resolved.hasPrefix(URL(fileURLWithPath: manifest.runsRoot).standardizedFileURL.path + "/"), "seed \(Self.seed) #\(i): \(e.directory)")
                        #expect(CellWorker(entry: e, runsRoot: manifest.runsRoot, threads: 1).directory.url.path == resolved)
                    }
                } else {
                    counts.manifestRefused += 1
                }
            } else {
                let target = cell + "/" + which
                try data.write(to: URL(fileURLWithPath: target))
                if let summary = try? store.ingest(directory: URL(fileURLWithPath: cell)) {
                    counts.ingested += 1
                    #expect(CellDirectory.isPlainName(summary.experiment) && CellDirectory.isPlainName(summary.cell), "seed \(Self.seed) #\(i)")
                } else {
                    counts.ingestRefused += 1
                }
                // Back to the original for the next round, so each mutation is one file's.
                try JSONSerialization.data(withJSONObject: originals[which]!).write(to: URL(fileURLWithPath: target))
            }
        }
        // Every artifact path the store accepted is inside the cell folder.
        for record in try store.runs(cell: entry.cell) {
            for artifact in try store.artifacts(run: record.id) {
                #expect(!artifact.path.hasPrefix("/") && !artifact.path.contains(".."), "\(artifact.path)")
            }
        }
        #expect(Self.snapshot(scratch).filter { $0.key != "root" && !$0.key.hasPrefix("root/") } == outside, "something was written outside the scratch root")
        // Both outcomes happened: the pass exercised acceptance and refusal of each kind.
        #expect(counts.manifestRead > 0 && counts.manifestRefused > 0 && counts.ingested > 0 && counts.ingestRefused > 0, "\(counts)")
        print("cell files fuzz, seed \(Self.seed): \(counts)")
    }
}
