import Foundation
import Testing
@testable import Support

@Suite struct ProgramSearchTests {
    @Test func findsAnExecutableFileAndSkipsFoldersAndPlainFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-search-\(UUID().uuidString)")
        let first = root.appendingPathComponent("first"), second = root.appendingPathComponent("second")
        let fm = FileManager.default
        try fm.createDirectory(at: first.appendingPathComponent("tool"), withIntermediateDirectories: true)
        try fm.createDirectory(at: second, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: root) }
        let plain = second.appendingPathComponent("tool")
        #expect(fm.createFile(atPath: plain.path, contents: Data("#!/bin/sh\n".utf8)))
        let searchPath = "\(first.path)::\(second.path)"
        // A folder named `tool` in the first entry, a file that is not executable in the second.
        #expect(ProgramSearch.find("tool", searchPath: searchPath) == nil)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plain.path)
        #expect(ProgramSearch.find("tool", searchPath: searchPath) == plain.path)
        #expect(ProgramSearch.isExecutableFile(plain.path))
        #expect(!ProgramSearch.isExecutableFile(first.appendingPathComponent("tool").path))
    }

    @Test func anUnsetPathFallsBackToTheSystemFolders() {
        #expect(ProgramSearch.searchPath(environment: [:]) == "/usr/local/bin:/usr/bin:/bin")
        #expect(ProgramSearch.searchPath(environment: ["PATH": ""]) == "/usr/local/bin:/usr/bin:/bin")
        #expect(ProgramSearch.searchPath(environment: ["PATH": "/opt/x/bin"]) == "/opt/x/bin")
    }
}
