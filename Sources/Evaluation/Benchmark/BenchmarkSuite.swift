import Datasets
import Foundation

/// A benchmark as read from disk: per subject, the solved examples the prompts show (the dev split) and the
/// questions asked (the test split).
public struct BenchmarkSuite: Sendable {
    /// One subject's examples and questions.
    public struct Subject: Sendable {
        public var name: String
        /// The dev split: the first k of these are the shots.
        public var dev: [BenchmarkQuestion]
        /// The questions asked.
        public var test: [BenchmarkQuestion]
        /// The file the questions come from.
        public var testPath: String
    }

    /// Subjects in the order of their file names.
    public var subjects: [Subject]
    /// What was read.
    public var path: String

    /// Every question, subject by subject.
    public var questions: [BenchmarkQuestion] { subjects.flatMap(\.test) }

    /// Reads `path`: a folder in MMLU's layout (`dev/{subject}_dev.csv` and `test/{subject}_test.csv`; C-Eval's
    /// `val/` stands in for a missing `test/`, and `.jsonl` files may stand in for `.csv`), or one file of questions,
    /// whose shots come from `../dev/{subject}_dev.csv` beside its folder when that exists.
    public static func load(_ path: String) throws -> BenchmarkSuite {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError.unreadable(path: path, reason: "no such file or folder")
        }
        if !isDirectory.boolValue {
            let base = subjectStem(path)
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().deletingLastPathComponent()
            let dev = devFile(in: folder.appendingPathComponent("dev").path, stem: base)
            return BenchmarkSuite(subjects: try subjects(test: path, dev: dev), path: path)
        }
        let root = URL(fileURLWithPath: path)
        let testFolder = ["test", "val"].map { root.appendingPathComponent($0).path }.first { isFolder($0) }
        guard let testFolder else {
            throw DataError.unreadable(path: path, reason: "a benchmark folder needs test/{subject}_test.csv files (and dev/{subject}_dev.csv for the shots)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: testFolder)
            .filter { $0.hasSuffix(".csv") || $0.hasSuffix(".jsonl") }.sorted()
        guard !files.isEmpty else { throw DataError.unreadable(path: testFolder, reason: "holds no .csv or .jsonl file") }
        let devFolder = root.appendingPathComponent("dev").path
        let subjects = try files.flatMap { name in
            try Self.subjects(test: testFolder + "/" + name, dev: devFile(in: devFolder, stem: subjectStem(name)))
        }
        return BenchmarkSuite(subjects: subjects, path: path)
    }

    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// A file's name without extension and split suffix (`anatomy_test.csv` → `anatomy`).
    static func subjectStem(_ path: String) -> String {
        var name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        for suffix in ["_test", "_val", "_dev"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
            break
        }
        return name
    }

    static func devFile(in folder: String, stem: String) -> String? {
        ["\(stem)_dev.csv", "\(stem)_dev.jsonl"].map { folder + "/" + $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The subjects of one test file and its dev file: one, unless JSON lines name several (grouped in order of appearance).
    static func subjects(test: String, dev: String?) throws -> [Subject] {
        let name = BenchmarkReader.subject(ofFile: test)
        let questions = try BenchmarkReader.read(path: test, subject: name)
        guard !questions.isEmpty else { throw DataError.unreadable(path: test, reason: "holds no question") }
        let shots = try dev.map { try BenchmarkReader.read(path: $0, subject: name) } ?? []
        var order: [String] = []
        for q in questions where !order.contains(q.subject) { order.append(q.subject) }
        return order.map { s in
            Subject(name: s, dev: shots.filter { $0.subject == s }, test: questions.filter { $0.subject == s }, testPath: test)
        }
    }
}
