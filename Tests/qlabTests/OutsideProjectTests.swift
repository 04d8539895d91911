import Foundation
import Testing
@testable import qlab

/// Outside the project (no runs folder, no checkout above), a command that would create a store says where and
/// refuses instead of silently starting a second project.
struct OutsideProjectTests {
    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func storeCreatingCommandsRefuseAndSayWhereTheStoreWouldBe() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let commands: [[String]] = [["run", "smoke"], ["plan", "smoke", "--save"], ["rerun", "0123abcd"], ["tournament", "smoke"],
                                    ["ingest", folder.path]]
        for arguments in commands {
            let result = try CLI.run(arguments, in: folder)
            #expect(result.status == 64, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("would start a new store at \(folder.path)/runs/lineage.sqlite"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("--runs"), "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.path + "/runs"), "\(arguments) created the store")
        }
        // A preview creates nothing and so is not refused.
        let preview = try CLI.run(["plan", "smoke"], in: folder)
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("4 pending"), "\(preview.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/runs"), "the preview created the store")
    }

    @Test func anExplicitRunsFolderOrAnExistingOneIsUsed() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let explicit = try CLI.run(["plan", "smoke", "--save", "--runs", folder.path + "/elsewhere"], in: folder)
        #expect(explicit.status == 0, "\(explicit.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/elsewhere/lineage.sqlite"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("runs"), withIntermediateDirectories: true)
        let existing = try CLI.run(["plan", "smoke", "--save"], in: folder)
        #expect(existing.status == 0, "\(existing.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/runs/lineage.sqlite"))
    }

    @Test func aCheckoutIsFoundFromAnyFolderInsideIt() throws {
        #expect(StoreOptions.checkout(containing: CLI.packageRoot.path + "/Tests/qlabTests") == CLI.packageRoot.standardizedFileURL.path)
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(StoreOptions.checkout(containing: folder.path) == nil)
        // Package.swift alone is some other package, not this project.
        try "// swift-tools-version:6.0\n".write(to: folder.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        #expect(StoreOptions.checkout(containing: folder.path) == nil)
    }
}
