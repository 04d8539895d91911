import Support
import ExperimentSpec
import Foundation
import Tokenizers
import Tensors
import Testing
@testable import Datasets

/// A zip archive built by hand for the tests: members stored (or given already deflated).
struct TestZip {
    var members: [(name: String, method: UInt16, stored: [UInt8], size: Int, crc: UInt32)] = []

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    mutating func store(_ name: String, _ bytes: [UInt8]) {
        members.append((name, 0, bytes, bytes.count, Self.crc32(bytes)))
    }

    /// The archive, laid out by `CraftedZip` (one zip writer for every archive test).
    var bytes: [UInt8] {
        var crafted = CraftedZip()
        crafted.members = members.map {
            CraftedZip.Member(name: $0.name, method: $0.method, stored: $0.stored, declaredSize: UInt64($0.size), crc: $0.crc)
        }
        return crafted.bytes
    }
}

/// The pieces of `qlab data prepare`: zip, YAML, fortunes, tasks, JSON lines, and a whole preparation on
/// synthetic sources (no network).
struct DataPrepareTests {
    @Test func zipReadsStoredAndDeflatedMembersAndChecksCRC() throws {
        var zip = TestZip()
        zip.store("a/stored.txt", Array("plain words".utf8))
        let text = Array("hello, hello, hello! 你好\n".utf8)
        let deflated: [UInt8] = [0xCB, 0x48, 0xCD, 0xC9, 0xC9, 0xD7, 0x51, 0xC8, 0x40, 0xA2, 0x14, 0x15, 0x9E, 0xEC, 0x5D,
                                 0xF0, 0x74, 0xE9, 0x5E, 0x2E, 0x00]
        zip.members.append(("b/deflated.txt", 8, deflated, text.count, 0x186C_11BB))
        zip.store("empty", [])
        var archive = try DatasetZipArchive(bytes: zip.bytes, path: "t.whl")
        #expect(archive.entries.map(\.name) == ["a/stored.txt", "b/deflated.txt", "empty"])
        #expect(try archive.contents(of: "a/stored.txt") == Array("plain words".utf8))
        #expect(try archive.contents(of: "b/deflated.txt") == text)
        #expect(try archive.contents(of: "empty") == [])
        #expect(throws: DataError.archive(path: "t.whl", reason: "no member nope")) { try archive.contents(of: "nope") }
        // A flipped byte of stored data fails the CRC; a truncated archive has no directory.
        var damaged = zip.bytes
        damaged[30 + "a/stored.txt".utf8.count] ^= 0x20
        #expect(throws: DataError.archive(path: "t.whl", reason: "a/stored.txt: CRC-32 mismatch")) {
            var damagedArchive = try DatasetZipArchive(bytes: damaged, path: "t.whl")
            _ = try damagedArchive.contents(of: "a/stored.txt")
        }
        #expect(throws: DataError.self) { try DatasetZipArchive(bytes: Array(zip.bytes.prefix(40)), path: "t.whl") }
        var corrupt = zip
        corrupt.members[1].stored[3] ^= 0xFF
        #expect(throws: DataError.self) {
            var corruptArchive = try DatasetZipArchive(bytes: corrupt.bytes, path: "t.whl")
            _ = try corruptArchive.contents(of: "b/deflated.txt")
        }
    }

    @Test func yamlSubsetAsTheCorpusWritesIt() throws {
        let text = """
            categories:
            - AI
            conversations:
            - - What is AI?
              - Artificial Intelligence is the branch of engineering.
            - - A question that goes on,
                over two lines?
              - 'It''s quoted: yes'
            - - "Escapes\\tand \\u4f60\\u597d"
              - |
                Here's code:

                    def f():
                        return 1
              - plain a#b stays # a comment goes
            - - 什么是ai
              - 人工智能是工程和科学的分支。
            - - |-
                no trailing newline
              - yes

            """
        let node = try DataYAML.parse(text, path: "c.yml")
        #expect(node["categories"] == .sequence([.scalar("AI")]))
        #expect(node["conversations"] == .sequence([
            .sequence([.scalar("What is AI?"), .scalar("Artificial Intelligence is the branch of engineering.")]),
            .sequence([.scalar("A question that goes on, over two lines?"), .scalar("It's quoted: yes")]),
            .sequence([.scalar("Escapes\tand 你好"), .scalar("Here's code:\n\n    def f():\n        return 1\n"),
                       .scalar("plain a#b stays")]),
            .sequence([.scalar("什么是ai"), .scalar("人工智能是工程和科学的分支。")]),
            .sequence([.scalar("no trailing newline"), .scalar("yes")]),
        ]))
    }

    @Test func yamlBeyondTheCorpusSubsetIsReadAndMalformedYAMLNamesItsLine() throws {
        // Folded scalars, mappings inside sequences and flow collections are YAML too (the library reads them);
        // scalars stay text.
        #expect(try DataYAML.parse("a:\n- - q\n  - >\n    folded\n    lines\n", path: "x.yml")
                == .mapping([("a", .sequence([.sequence([.scalar("q"), .scalar("folded lines\n")])]))]))
        #expect(try DataYAML.parse("a:\n- key: value\n", path: "x.yml") == .mapping([("a", .sequence([.mapping([("key", .scalar("value"))])]))]))
        #expect(try DataYAML.parse("a: [1, yes]\n", path: "x.yml") == .mapping([("a", .sequence([.scalar("1"), .scalar("yes")]))]))
        #expect(try DataYAML.parse("", path: "x.yml") == .null)
        #expect {
            try DataYAML.parse("a:\n- ok\n- 'unterminated\n", path: "x.yml")
        } throws: { error in
            guard case .source(let path, let line, let reason)? = error as? DataError else { return false }
            return path == "x.yml" && line == 4 && reason.hasPrefix("YAML: ")
        }
        #expect {
            try DataYAML.parse("a: b\n  c: d\n", path: "y.yml")
        } throws: { error in
            guard case .source(let path, let line, _)? = error as? DataError else { return false }
            return path == "y.yml" && line == 2
        }
    }

    @Test func fortuneEntriesAndANSIStripping() {
        #expect(DatasetPreparer.fortuneEntries("one\n%\ntwo\nlines\n%\n") == ["one", "two\nlines", ""])
        let (clean, removed) = DatasetPreparer.stripANSI("\u{1B}[32m《静夜思》\u{1B}[m\n\u{1B}[1;33m李白\u{1B}[0m")
        #expect(clean == "《静夜思》\n李白" && removed == 4)
    }

    @Test func tasksAreSeededAndTheirAnswersAreRight() throws {
        var a = try DatasetTasks(language: "en", seed: 5), b = try DatasetTasks(language: "en", seed: 5)
        let items = a.items(perTask: 50)
        #expect(items == b.items(perTask: 50))
        #expect(items.count == 150 && Set(items.map(\.prompt)).count == 150)
        for item in items where item.task == "arithmetic" {
            let numbers = item.prompt.split { !$0.isNumber }.compactMap { Int($0) }
            #expect(numbers.count == 2)
            let subtract = item.prompt.contains("-") || item.prompt.contains("minus") || item.prompt.contains("Subtract")
            let expected = item.prompt.hasPrefix("Subtract") ? numbers[1] - numbers[0] : subtract ? numbers[0] - numbers[1] : numbers[0] + numbers[1]
            #expect(item.answer == String(expected), "\(item.prompt)")
        }
        for item in items where item.task == "copy" { #expect(item.prompt.hasSuffix(item.answer)) }
        var zh = try DatasetTasks(language: "zh", seed: 5)
        for item in zh.items(perTask: 30) where item.task == "order" {
            let given = item.prompt.split(separator: "：")[1].split(separator: "，").map { Int($0)! }
            let answer = item.answer.split(separator: "，").map { Int($0)! }
            #expect(answer == (item.prompt.contains("从大到小") ? given.sorted(by: >) : given.sorted()))
        }
        #expect(throws: DataError.self) { try DatasetTasks(language: "fr", seed: 1) }
    }

    @Test func jsonLinesAreValidJSONAndKeepTheirKeyOrder() throws {
        let line = DataJSONLine.object([("z", .string("quote \" backslash \\ tab \t nl \n bell \u{7} 汉字")), ("a", .int(-3)),
                                        ("list", .array([.object([("human", .string("hi"))])]))])
        #expect(line.serialized.hasPrefix(#"{"z": "quote \" backslash \\ tab \t nl \n bell \u0007 汉字", "a": -3"#))
        let parsed = try JSONValue.parse(Data(line.serialized.utf8))
        #expect(parsed["z"]?.string == "quote \" backslash \\ tab \t nl \n bell \u{7} 汉字")
        #expect(parsed["list"]?.array?.first?["human"]?.string == "hi")
    }

    /// WordNet data files of six synsets each, shaped like the real ones (a licence header line first).
    static func makeWordNet() throws -> String {
        let folder = try DataTestPaths.temporaryDirectory().appendingPathComponent("wordnet").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (file, type) in [("data.noun", "n"), ("data.verb", "v"), ("data.adj", "a"), ("data.adv", "r")] {
            var text = "  1 This software and database is being provided to you, the LICENSEE, by Princeton University\n"
            for i in 0..<6 {
                let word = ["apple", "river", "stone", "cloud", "bread", "horse"][i] + "_\(type)"
                text += String(format: "%08d", i + 1) + " 03 \(type) 02 \(word) 0 other_\(i) 0 000 | definition number \(i) of the thing; \"an example\"  \n"
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + file))
        }
        return folder
    }

    /// Synthetic sources shaped like the real ones: two wheels and a fortunes folder.
    static func makeSources() throws -> (downloads: String, fortunes: String) {
        let root = try DataTestPaths.temporaryDirectory()
        let downloads = root.appendingPathComponent("downloads").path
        let fortunes = root.appendingPathComponent("fortunes").path
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: fortunes, withIntermediateDirectories: true)
        var chatterbot = TestZip()
        chatterbot.store("chatterbot_corpus/data/english/ai.yml", Array("""
            categories:
            - AI
            conversations:
            - - What is AI?
              - A field of study.
            - - Hi
              - Hello
              - How are you?
            - - Q1
              - A1
            - - Q2
              - A2
            - Broken entry without its dash
              - 'x'

            """.utf8))
        chatterbot.store("chatterbot_corpus/data/chinese/ai.yml", Array("conversations:\n- - 你好\n  - 你好！\n- - 再见\n  - 再见。\n".utf8))
        try Data(chatterbot.bytes).write(to: URL(fileURLWithPath: downloads + "/chatterbot_corpus-1.3.3-py2.py3-none-any.whl"))
        var chitchat = TestZip()
        chitchat.store("chitchat_dataset/dataset.json", Array("""
            {"b": {"start": "2018-01-02", "messages": [[{"text": "Hi", "sender": "x"}, {"text": "there", "sender": "x"}],
                                                     [{"text": "Hello", "sender": "y"}], [{"text": "Bye", "sender": "x"}]]},
             "a": {"start": "2018-01-01", "messages": [[{"text": "alone", "sender": "x"}]]},
             "c": {"start": "2018-01-03", "messages": [[{"text": "Q", "sender": "p"}], [{"text": " ", "sender": "q"}],
                                                     [{"text": "A", "sender": "q"}]]}}
            """.utf8))
        chitchat.store("chitchat_dataset-0.9.0.dist-info/LICENSE", Array("MIT License\n".utf8))
        try Data(chitchat.bytes).write(to: URL(fileURLWithPath: downloads + "/chitchat_dataset-0.9.0-py3-none-any.whl"))
        try Data("A penny saved.\n%\nTwo\nlines.  \n%\n".utf8).write(to: URL(fileURLWithPath: fortunes + "/wisdom"))
        try Data("\u{1B}[32m《静夜思》\u{1B}[m\n床前明月光\n%\n".utf8).write(to: URL(fileURLWithPath: fortunes + "/tang300"))
        try Data("题目:《塞上》\n作者:柳开\n鸣骹直上一千尺，天静无风声更干。\n%\n".utf8).write(to: URL(fileURLWithPath: fortunes + "/song100"))
        try Data([0, 1, 2]).write(to: URL(fileURLWithPath: fortunes + "/tang300.dat"))
        try FileManager.default.createSymbolicLink(atPath: fortunes + "/tang300.u8", withDestinationPath: "tang300")
        return (downloads, fortunes)
    }

    @Test func prepareWritesHashedFilesAndAManifestTheCatalogReads() throws {
        let sources = try Self.makeSources()
        let output = try DataTestPaths.temporaryDirectory().appendingPathComponent("data").path
        var preparer = DatasetPreparer(downloads: sources.downloads, fortunes: sources.fortunes, output: output)
        preparer.wordnet = try Self.makeWordNet()
        let outcome = try preparer.prepare()
        #expect(outcome.missing.isEmpty)
        #expect(outcome.manifest.datasets.map(\.name) == DatasetPreparer.names)
        let byName = Dictionary(uniqueKeysWithValues: outcome.manifest.datasets.map { ($0.name, $0) })
        let en = try #require(byName["chatterbot-en"])
        // 5 pairs: What is AI?, Hi→Hello, Hello→How are you?, Q1, Q2; the dash-less entry is counted and skipped.
        #expect(en.files.map(\.records).reduce(0, +) == 5 && en.counts["conversations skipped (not a list in the YAML)"] == 1)
        #expect(en.files.map(\.role) == ["train", "eval"] && en.files[1].records == 1)
        #expect(byName["chatterbot-zh"]!.files.map(\.records).reduce(0, +) == 2)
        let chitchat = try #require(byName["chitchat"])
        #expect(chitchat.counts["conversations written"] == 2 && chitchat.counts["skipped: only one speaker"] == 1)
        #expect(chitchat.counts["empty messages dropped"] == 1 && chitchat.counts["trailing unanswered turn dropped"] == 1)
        let conversations = try String(contentsOfFile: output + "/chitchat/conversations.jsonl", encoding: .utf8)
        #expect(conversations == """
            {"conversation_id": "b", "conversation": [{"human": "Hi\\nthere", "assistant": "Hello"}]}
            {"conversation_id": "c", "conversation": [{"human": "Q", "assistant": "A"}]}

            """)
        let zhCorpus = try String(contentsOfFile: output + "/fortunes-zh/corpus.jsonl", encoding: .utf8)
        #expect(zhCorpus == "{\"text\": \"题目:《塞上》\\n作者:柳开\\n鸣骹直上一千尺，天静无风声更干。\", \"source\": \"song100\"}\n"
                + "{\"text\": \"《静夜思》\\n床前明月光\", \"source\": \"tang300\"}\n")
        // Six synsets a part of speech: five dev questions and one test question each; the poems are too few to ask.
        let wordnet = try #require(byName["wordnet-en"])
        #expect(wordnet.format == "benchmark" && wordnet.files.map(\.records) == [5, 1, 5, 1, 5, 1, 5, 1])
        #expect(wordnet.files.map(\.path).prefix(2) == ["wordnet-en/dev/noun_dev.csv", "wordnet-en/test/noun_test.csv"])
        #expect(byName["poems-zh"]!.files.map(\.records) == [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(byName["fortunes-en"]!.files[0].records == 2)
        #expect(byName["tasks-en"]!.files.map(\.records) == [3000, 300])
        // Every recorded hash is the file's.
        for entry in outcome.manifest.datasets {
            for file in entry.files { #expect(try DatasetIdentity.sha256(file: output + "/" + file.path) == file.sha256, "\(file.path)") }
        }
        // Preparing again gives the same bytes.
        var second = DatasetPreparer(downloads: sources.downloads, fortunes: sources.fortunes, output: try DataTestPaths.temporaryDirectory().path)
        second.wordnet = preparer.wordnet
        let again = try second.prepare()
        #expect(again.manifest == outcome.manifest)

        // The catalog resolves names; prepared eval files replace the split; identities are the hashes.
        let catalog = try DatasetCatalog(root: output)
        let settings = DataSettings(datasets: ["tasks-zh", "chitchat"], sourceMaxLength: 64, targetMaxLength: 64, evalSize: 1)
        let bundle = try DataBundle.load(settings, tokenizer: try ByteTokenizer(), catalog: catalog)
        #expect(bundle.train.count == 3000 + 1 && bundle.eval.count == 300 + 1)
        #expect(try DatasetIdentity.hashes(of: settings, catalog: catalog).map(\.sha256)
                == byName["tasks-zh"]!.files.map(\.sha256) + byName["chitchat"]!.files.map(\.sha256))
        // An edited prepared file no longer matches its manifest.
        try Data("{\"text\": \"changed\"}\n".utf8).write(to: URL(fileURLWithPath: output + "/fortunes-en/corpus.jsonl"))
        #expect(throws: DataError.self) { try catalog.resolve("fortunes-en") }
    }

    @Test func aMissingSourceIsReportedAndTheRestPrepared() throws {
        let sources = try Self.makeSources()
        try FileManager.default.removeItem(atPath: sources.downloads + "/chitchat_dataset-0.9.0-py3-none-any.whl")
        let output = try DataTestPaths.temporaryDirectory().path
        var preparer = DatasetPreparer(downloads: sources.downloads, fortunes: sources.fortunes + "/nowhere", output: output)
        preparer.wordnet = sources.fortunes + "/nowhere"
        let outcome = try preparer.prepare()
        #expect(outcome.missing.map { String($0.prefix { $0 != ":" }) } == ["chitchat", "fortunes-en", "fortunes-zh", "wordnet-en", "poems-zh"])
        #expect(outcome.manifest.datasets.map(\.name) == ["chatterbot-en", "chatterbot-zh", "tasks-en", "tasks-zh"])
    }

    static let realWheels = DataTestPaths.packageRoot.appendingPathComponent(".cache/downloads").path

    @Test(.enabled(if: FileManager.default.fileExists(atPath: realWheels + "/chatterbot_corpus-1.3.3-py2.py3-none-any.whl")))
    func theRealChatterbotWheelParses() throws {
        let output = try DataTestPaths.temporaryDirectory().path
        let entries = try DatasetPreparer(downloads: Self.realWheels, output: output).prepareChatterbot()
        // Counted with PyYAML on the same wheel: 2,025 + 1 dash-less English conversations, 467 Chinese.
        #expect(entries.map { $0.counts["pairs"] } == [2306, 552])
        #expect(entries.map { $0.counts["conversations"] } == [2025, 467])
    }
}
