import Datasets
import Foundation
import Testing
@testable import Evaluation

/// MMLU's, C-Eval's and the JSON-lines benchmark files, the folder layout, and errors that name file and line.
struct BenchmarkReaderTests {
    static func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func mmluRowsWithQuotedCommasQuotesAndLineBreaks() throws {
        let dir = try Self.folder()
        let path = dir + "/test/college_physics_test.csv"
        try Self.write("\"What is 2+2, in base 10?\",3,4,\"five, or \"\"5\"\"\",6,B\n"
                       + "\"Two\nlines\",a,b,c,d,d\r\n"
                       + "plain,w,x,y,z,A\n"
                       + "\n", path)
        let questions = try BenchmarkReader.read(path: path)
        #expect(questions.map(\.question) == ["What is 2+2, in base 10?", "Two\nlines", "plain"])
        #expect(questions[0].choices == ["3", "4", "five, or \"5\"", "6"])
        #expect(questions.map(\.answer) == [1, 3, 0])
        #expect(questions.map(\.index) == [0, 1, 2])
        #expect(questions.map(\.line) == [1, 2, 4], "a record starts on the line of its first field")
        #expect(questions.allSatisfy { $0.subject == "college physics" })
    }

    @Test func cevalHeaderWithExplanation() throws {
        let dir = try Self.folder()
        let path = dir + "/val/computer_network_val.csv"
        try Self.write("id,question,A,B,C,D,answer,explanation\n0,下列哪个是协议？,TCP,CPU,RAM,GPU,A,\"传输控制协议，简称 TCP\"\n1,一加一,1,2,3,4,B,\n", path)
        let questions = try BenchmarkReader.read(path: path)
        #expect(questions.count == 2)
        #expect(questions[0].question == "下列哪个是协议？" && questions[0].choices == ["TCP", "CPU", "RAM", "GPU"] && questions[0].answer == 0)
        #expect(questions[1].answer == 1 && questions[1].index == 1 && questions[1].line == 3)
        #expect(questions[0].subject == "computer network")
    }

    @Test func jsonLinesWithChoicesOrLetterKeys() throws {
        let dir = try Self.folder()
        let path = dir + "/mixed.jsonl"
        try Self.write("""
            {"question": "q1", "choices": ["a", "b", "c", "d"], "answer": 2}
            {"question": "q2", "A": "w", "B": "x", "C": "y", "D": "z", "answer": "d", "subject": "other"}

            """, path)
        let questions = try BenchmarkReader.read(path: path)
        #expect(questions.map(\.answer) == [2, 3])
        #expect(questions.map(\.subject) == ["mixed", "other"])
        #expect(questions[1].choices == ["w", "x", "y", "z"])
        let suite = try BenchmarkSuite.load(path)
        #expect(suite.subjects.map(\.name) == ["mixed", "other"])
    }

    @Test func folderLayoutPairsDevAndTestBySubject() throws {
        let dir = try Self.folder()
        try Self.write("d1,a,b,c,d,A\nd2,a,b,c,d,B\n", dir + "/dev/anatomy_dev.csv")
        try Self.write("t1,a,b,c,d,C\n", dir + "/test/anatomy_test.csv")
        try Self.write("t2,a,b,c,d,D\nt3,a,b,c,d,A\n", dir + "/test/virology_test.csv")
        let suite = try BenchmarkSuite.load(dir)
        #expect(suite.subjects.map(\.name) == ["anatomy", "virology"])
        #expect(suite.subjects[0].dev.map(\.question) == ["d1", "d2"])
        #expect(suite.subjects[1].dev.isEmpty)
        #expect(suite.questions.map(\.question) == ["t1", "t2", "t3"])
        // One test file finds its shots in ../dev beside its folder.
        let one = try BenchmarkSuite.load(dir + "/test/anatomy_test.csv")
        #expect(one.subjects.count == 1 && one.subjects[0].dev.count == 2)
        #expect { try BenchmarkSuite.load(dir + "/dev") } throws: { "\($0)".contains("test/") }
    }

    @Test func badInputIsAnErrorNamingFileAndLine() throws {
        let dir = try Self.folder()
        let cases: [(String, String, String)] = [
            ("fields.csv", "q,a,b,c,d,A\nq,a,b,c,A\n", "fields.csv:2: expected 6 fields"),
            ("letter.csv", "q,a,b,c,d,A\n\nq,a,b,c,d,E\n", "letter.csv:3: the answer \"E\" is not one of the letters A, B, C, D"),
            ("open.csv", "q,a,b,c,d,A\n\"never\nclosed,a,b,c,d,A\n", "open.csv:2: a quoted field is not closed"),
            ("after.csv", "\"q\"x,a,b,c,d,A\n", "after.csv:1: a closing quote must be followed"),
            ("header.csv", "id,question,A,B,C,D,answer\n0,q,a,b,c,d\n", "header.csv:2: expected 7 fields"),
            ("bad.jsonl", "{\"question\": \"q\", \"choices\": [\"a\", \"b\"], \"answer\": 0}\n{\"question\": 3}\n", "bad.jsonl:2: expected"),
            ("index.jsonl", "{\"question\": \"q\", \"choices\": [\"a\", \"b\"], \"answer\": 5}\n", "index.jsonl:1: the answer index 5"),
        ]
        for (name, text, message) in cases {
            try Self.write(text, dir + "/" + name)
            #expect { try BenchmarkReader.read(path: dir + "/" + name) } throws: { "\($0)".contains(dir + "/" + message) }
        }
        #expect { try BenchmarkReader.read(path: dir + "/missing.csv") } throws: { "\($0)".contains("missing.csv: cannot read") }
    }

    @Test func craftedFilesHitTheLimitsInsteadOfMemory() throws {
        let limits = CSVTable.Limits(fileBytes: 1 << 20, fieldBytes: 64, fieldsPerRecord: 8)
        let long = Array(("a," + String(repeating: "x", count: 65) + "\n").utf8)
        #expect { try CSVTable.parse(long, path: "long.csv", limits: limits) } throws: { "\($0)".contains("long.csv:1: a field longer than 64 bytes") }
        let quoted = Array(("ok\n\"" + String(repeating: "y", count: 100)).utf8)
        #expect { try CSVTable.parse(quoted, path: "q.csv", limits: limits) } throws: { "\($0)".contains("q.csv:2: a field longer") }
        let wide = Array((String(repeating: "a,", count: 9) + "a\n").utf8)
        #expect { try CSVTable.parse(wide, path: "w.csv", limits: limits) } throws: { "\($0)".contains("w.csv:1: more than 8 fields") }
        #expect { try CSVTable.parse([0x61, 0xFF, 0x0A], path: "u.csv") } throws: { "\($0)".contains("u.csv:1: a field is not valid UTF-8") }
        let dir = try Self.folder()
        try Data(count: 2048).write(to: URL(fileURLWithPath: dir + "/big.csv"))
        #expect { try CSVTable.read(path: dir + "/big.csv", limits: CSVTable.Limits(fileBytes: 1024, fieldBytes: 64, fieldsPerRecord: 8)) }
            throws: { "\($0)".contains("big.csv: cannot read: 2048 bytes") }
    }

    @Test func csvRoundTripsThroughItsWriter() throws {
        let records = [["a,b", "say \"hi\"", "two\nlines", "crlf\r\nend", "plain", "", "日本"]]
        let text = CSVTable.encode(records)
        #expect(try CSVTable.parse(Array(text.utf8), path: "x").map(\.fields) == records)
        #expect(text == "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"crlf\r\nend\",plain,,日本\n")
    }
}
