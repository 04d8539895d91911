import Foundation
import Testing
@testable import Datasets

/// The shipped benchmarks as the real Debian packages give them: counts and the first questions pinned, so that
/// a change in their construction shows. Skipped where the package is not installed.
struct BenchmarkSourcesTests {
    static let wordnet = "/usr/share/wordnet"
    static let fortunes = "/usr/share/games/fortunes"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: wordnet + "/data.noun"), "needs Debian wordnet-base"))
    func wordNetDefinitionQuestions() throws {
        let (subjects, synsets) = try DatasetPreparer.wordNetSubjects(folder: Self.wordnet)
        #expect(synsets == ["noun": 82115, "verb": 13767, "adjective": 18156, "adverb": 3621])
        #expect(subjects.map(\.stem) == ["noun", "verb", "adjective", "adverb"])
        #expect(subjects.map(\.dev.count) == [5, 5, 5, 5] && subjects.map(\.test.count) == [150, 150, 150, 150])
        let first = subjects.map { $0.test[0] }
        #expect(first.map(\.question) == ["Which word means: an athlete who plays basketball?",
                                          "Which word means: use to the utmost; exert vigorously or to full capacity?",
                                          "Which word means: having the beard or hair cut off close to the skin?",
                                          "Which word means: in a magical manner?"])
        #expect(first.map(\.answer) == ["basketball player", "strain", "shaven", "magically"])
        #expect(first[0].distractors == ["tranche", "water scooter", "short-horned grasshopper"])
        // Written as MMLU rows: the right option's letter from a balanced shuffle.
        let rows = DatasetPreparer.mmluRows(subjects[0].test, seed: 2024 &+ 1)
        #expect(rows[0] == ["Which word means: an athlete who plays basketball?", "basketball player", "tranche", "water scooter",
                            "short-horned grasshopper", "A"])
        for subject in subjects {
            let letters = DatasetPreparer.mmluRows(subject.test, seed: 1).map { $0[5] }
            #expect(["A", "B", "C", "D"].map { l in letters.filter { $0 == l }.count } == [38, 38, 37, 37])
            for q in subject.dev + subject.test {
                #expect(Set(q.distractors + [q.answer]).count == 4, "four different options: \(q.question)")
            }
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: fortunes + "/tang300"), "needs Debian fortunes-zh"))
    func poemNextLineQuestions() throws {
        let (subjects, poems) = try DatasetPreparer.poemSubjects(folder: Self.fortunes)
        #expect(poems == ["tang300": 313, "song100": 95])
        #expect(subjects.map(\.stem) == ["唐诗五言", "唐诗七言", "宋诗五言", "宋诗七言"])
        #expect(subjects.map(\.dev.count) == [5, 5, 5, 5] && subjects.map(\.test.count) == [150, 150, 92, 150])
        let first = subjects.map { $0.test[0] }
        #expect(first.map(\.question) == ["「江流石不转」的下一句是什么？", "「夕殿萤飞思悄然」的下一句是什么？",
                                          "「卷耳共所资」的下一句是什么？", "「马穿山径菊初黄」的下一句是什么？"])
        #expect(first.map(\.answer) == ["遣恨失吞吴", "孤灯挑尽未成眠", "昔云能驱风", "信马悠悠野兴长"])
        for (subject, length) in zip(subjects, [5, 7, 5, 7]) {
            for q in subject.dev + subject.test {
                #expect(Set(q.distractors + [q.answer]).count == 4)
                #expect((q.distractors + [q.answer]).allSatisfy { $0.count == length })
            }
        }
    }
}
