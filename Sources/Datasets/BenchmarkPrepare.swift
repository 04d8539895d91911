import ExperimentSpec
import Foundation
import Tensors

/// What the benchmark preparers share: a question with its right option and three real distractors, placed
/// with balanced letters, and the MMLU layout they are written in.
extension DatasetPreparer {
    /// One generated question before its options are lettered.
    struct GeneratedQuestion {
        var question: String
        var answer: String
        var distractors: [String]
    }

    /// One subject: the file stem (`noun` → `noun_dev.csv`, `noun_test.csv`) and its dev and test questions.
    struct GeneratedSubject {
        var stem: String
        var dev: [GeneratedQuestion]
        var test: [GeneratedQuestion]
    }

    /// The questions of one split as MMLU's CSV rows (`question,A,B,C,D,answer`). The right option's letter
    /// comes from a seeded shuffle of A, B, C, D, A, B, … so that every letter is right equally often (±1), and
    /// the distractors fill the other places in their drawn order.
    static func mmluRows(_ questions: [GeneratedQuestion], seed: UInt64) -> [[String]] {
        var generator = SeededGenerator(seed: seed)
        let places = BatchOrder.permutation(questions.count, using: &generator).map { $0 % 4 }
        return zip(questions, places).map { q, place in
            var options = q.distractors
            options.insert(q.answer, at: place)
            return [q.question] + options + [["A", "B", "C", "D"][place]]
        }
    }

    /// Writes `subjects` under `name/dev/` and `name/test/` and describes the files for the manifest.
    func writeBenchmark(_ name: String, subjects: [GeneratedSubject], seed: UInt64) throws -> [DatasetManifest.File] {
        var files: [DatasetManifest.File] = []
        for (n, subject) in subjects.enumerated() {
            for (split, questions) in [("dev", subject.dev), ("test", subject.test)] {
                let relative = "\(name)/\(split)/\(subject.stem)_\(split).csv"
                let path = output + "/" + relative
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let splitSeed = seed &+ UInt64(n) &* 2 &+ (split == "dev" ? 0 : 1)
                let bytes = Array(CSVTable.encode(Self.mmluRows(questions, seed: splitSeed)).utf8)
                try AtomicFile.write(bytes, to: path)
                try Self.makeReadable(path)
                files.append(DatasetManifest.File(role: split, path: relative, records: questions.count, bytes: bytes.count,
                                                  sha256: SHA256.hexDigest(bytes)))
            }
        }
        return files
    }

    /// Three distinct items of `pool` drawn with `generator`, none equal to `answer` nor refused by `excluded`.
    /// Nil when the pool cannot give three.
    static func distractors(from pool: [String], answer: String, using generator: inout SeededGenerator,
                            excluded: (String) -> Bool) -> [String]? {
        guard pool.count >= 3 else { return nil }
        var chosen: [String] = []
        var attempts = 0
        while chosen.count < 3 && attempts < 1000 {
            attempts += 1
            let item = pool[BatchOrder.uniform(below: UInt64(pool.count), using: &generator)]
            if item == answer || chosen.contains(item) || excluded(item) { continue }
            chosen.append(item)
        }
        return chosen.count == 3 ? chosen : nil
    }
}
