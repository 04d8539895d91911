import Support
import ArgumentParser
import Datasets
import Foundation

/// `qlab data`: prepare the real datasets from what `scripts/setup` fetched, and list them.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Prepare and list the datasets under data/.",
        subcommands: [Prepare.self, List.self]
    )

    /// `qlab data prepare`.
    struct Prepare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert the fetched packages (chatterbot-corpus, chitchat-dataset, Debian fortunes and WordNet) and generated tasks into JSONL and benchmarks.",
            discussion: """
                Reads the wheels scripts/setup downloaded and the Debian fortune files, and writes data/ with a \
                manifest.json of sources, licences, counts and SHA-256 hashes. Deterministic: running it again \
                rewrites the same bytes. A missing source is reported and exits non-zero; the rest is still prepared.
                """
        )

        @Option(help: "Folder holding the downloaded wheels.")
        var downloads = ".cache/downloads"

        @Option(help: "Folder of the Debian fortune files.")
        var fortunes = "/usr/share/games/fortunes"

        @Option(help: "Folder of WordNet's data files (Debian wordnet-base), the source of the wordnet-en benchmark.")
        var wordnet = "/usr/share/wordnet"

        @Option(help: "Data folder to write (the folder `data list --data` and the other commands' --data read).")
        var data = "data"

        /// The flag's earlier name, still accepted.
        @Option(name: .customLong("output"), help: .hidden)
        var output: String?

        func validate() throws {
            if output != nil, data != "data" { throw ValidationError("--output is the old name of --data; give one of them") }
        }

        func run() throws {
            let output = self.output ?? data
            var preparer = DatasetPreparer(downloads: downloads, fortunes: fortunes, output: output)
            preparer.wordnet = wordnet
            let outcome = try preparer.prepare { print("data: \($0)") }
            print("data: wrote \(output)/manifest.json (\(outcome.manifest.datasets.count) datasets)")
            if !outcome.missing.isEmpty {
                for line in outcome.missing { printError("data: missing \(line)") }
                throw ExitCode(2)
            }
        }
    }

    /// `qlab data list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each prepared dataset with its counts, licence and hash.")

        @Option(help: "Data folder (default: $QLAB_DATA, ./data, or the checkout's data/).")
        var data: String?

        @Flag(help: "Print the manifest as JSON.")
        var json = false

        func run() throws {
            let catalog = try data.map { try DatasetCatalog(root: $0) } ?? DatasetCatalog.locate()
            guard let root = catalog.root, let manifest = catalog.manifest else {
                throw ValidationError("no prepared data found (looked in \(data ?? DatasetCatalog.searchFolders().joined(separator: ", "))); "
                                      + "run scripts/setup, then `qlab data prepare`")
            }
            if json {
                print(String(decoding: try manifest.encoded(), as: UTF8.self), terminator: "")
                return
            }
            print("Prepared datasets in \(root):")
            let header = ["dataset", "format", "file", "records", "bytes", "sha256", "licence"]
            var rows: [[String]] = []
            for entry in manifest.datasets {
                for (i, file) in entry.files.enumerated() {
                    rows.append([i == 0 ? entry.name : "", i == 0 ? entry.format : "", file.path, String(file.records),
                                 String(file.bytes), String(file.sha256.prefix(16)), i == 0 ? entry.licence : ""])
                }
            }
            print(TextTable.render(header: header, rows: rows, rightAligned: [3, 4]))
            print("")
            for entry in manifest.datasets {
                let counts = entry.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                print("\(entry.name): \(entry.source). \(counts)")
            }
        }
    }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    StandardError.write(Data((line + "\n").utf8))
}
