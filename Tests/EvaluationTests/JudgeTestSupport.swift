import Foundation
@testable import Evaluation

/// A fresh temporary directory for one test's files (judge scripts, judgment files).
struct JudgeScratch {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("qlab-judge-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes an executable /bin/sh script named `name` with `body`, returning its path.
    func script(_ name: String, _ body: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// Writes `text` to a file named `name`, returning its path.
    func file(_ name: String, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Always prefers the answer shown first: the worst position bias a judge can have.
struct FirstPositionJudge: Judge {
    var spec: String { "test:first-position" }
    func judge(_ request: JudgeRequest) -> JudgeVerdict { JudgeVerdict(outcome: .a, rawOutput: "A") }
}

/// Prefers `favourite` wherever it is shown, and otherwise the first answer.
struct FavouriteJudge: Judge {
    var favourite: String
    var spec: String { "test:favourite" }
    func judge(_ request: JudgeRequest) -> JudgeVerdict {
        if request.contestantB == favourite { return JudgeVerdict(outcome: .b, rawOutput: "B") }
        return JudgeVerdict(outcome: .a, rawOutput: "A")
    }
}
