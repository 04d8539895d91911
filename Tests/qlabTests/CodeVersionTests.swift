import Foundation
import Runner
import Support
import Testing

/// A run records the commit it was made from, and whether the code differed from it.
struct CodeVersionTests {
    static func git(_ arguments: [String], in directory: String) throws {
        guard let git = ProgramSearch.find("git") else { throw CocoaError(.fileNoSuchFile) }
        var program = ExternalProgram(git, ["-C", directory, "-c", "user.name=t", "-c", "user.email=t@t"] + arguments)
        program.timeout = .seconds(60)
        let result = try program.run()
        #expect(result.termination == .exited(0), "git \(arguments.joined(separator: " ")): \(result.output)")
    }

    @Test(.enabled(if: ProgramSearch.find("git") != nil, "needs git"))
    func regeneratedReportsDoNotMakeTheCodeDirtyButAnyOtherChangeDoes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-version-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/reports/grid", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/Sources", withIntermediateDirectories: true)
        try Data("page 1\n".utf8).write(to: URL(fileURLWithPath: root + "/reports/grid/README.md"))
        try Data("let a = 1\n".utf8).write(to: URL(fileURLWithPath: root + "/Sources/a.swift"))
        try Self.git(["init", "-q"], in: root)
        try Self.git(["add", "-A"], in: root)
        try Self.git(["commit", "-q", "-m", "first"], in: root)
        let clean = CodeVersion.current(directory: root)
        #expect(clean.commit?.count == 40 && clean.dirty == false)
        // A report rewritten by `qlab report` while cells run: still the committed code, from the top or below.
        try Data("page 2\n".utf8).write(to: URL(fileURLWithPath: root + "/reports/grid/README.md"))
        #expect(CodeVersion.current(directory: root).dirty == false)
        #expect(CodeVersion.current(directory: root + "/Sources").dirty == false)
        // A changed source file is a change, wherever qlab runs from in the checkout.
        try Data("let a = 2\n".utf8).write(to: URL(fileURLWithPath: root + "/Sources/a.swift"))
        #expect(CodeVersion.current(directory: root).dirty == true)
        #expect(CodeVersion.current(directory: root + "/reports").dirty == true)
    }
}

/// `make demo` writes the smoke report where a user's reports go (`reports/smoke/`, qlab report's default), and a
/// fresh clone's `git status` stays clean after it: that folder is ignored, the committed example lives beside it.
struct DemoLeavesCheckoutCleanTests {
    @Test func theDemoReportFolderIsIgnoredAndTheExampleIsCommitted() throws {
        func git(_ arguments: [String]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            p.arguments = ["-C", CLI.packageRoot.path] + arguments
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
        for file in ["reports/smoke/README.md", "reports/smoke/charts/loss-rank-8.svg", "reports/smoke/.qlab-report"] {
            #expect(try git(["check-ignore", "-q", "--no-index", file]).0 == 0, "\(file) would show in git status after make demo")
        }
        #expect(try git(["check-ignore", "-q", "--no-index", "reports/learning-rate/README.md"]).0 == 1)
        let tracked = try git(["ls-files", "reports/smoke-example/README.md"]).1
        #expect(tracked.contains("reports/smoke-example/README.md"))
        let makefile = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Makefile"), encoding: .utf8)
        #expect(makefile.contains("qlab report smoke\n"), "the demo writes the report to its default folder")
    }
}
