import Support
import Foundation
import Lineage
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A grid whose runs folder is a tmpfs too small for it: the cell ends failed with the reason, the store
/// stays readable, and once the file system has room the next run resumes it to an uninterrupted run's bits.
/// Mounting needs root; elsewhere the test is skipped.
@Suite(.serialized)
struct DiskFullTests {
    static let canMount: Bool = {
        guard geteuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-tmpfs-probe-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard mount("tmpfs", probe, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount(probe)
        return true
    }()

    static func kibibytes(_ path: String) -> Int {
        var total = 0
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let name = enumerator?.nextObject() as? String {
            var info = stat()
            if lstat(path + "/" + name, &info) == 0 { total += Int(info.st_blocks) * 512 }
        }
        return total / 1024
    }

    @Test(.enabled(if: canMount, "mounting a small tmpfs needs root"))
    func aFullDiskFailsTheCellWithItsReasonAndTheNextRunResumesIt() throws {
        let root = try CoordinationTests.root()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data.jsonl"
        // Its checkpoints kept, to size the disk by.
        let straight = try CoordinationTests.start(runs: root + "/straight", data: data, steps: 24, ranks: "8", keepCheckpoints: true,
                                                   output: root + "/straight.txt")
        straight.waitUntilExit()
        #expect(straight.terminationStatus == 0)
        let expected = try FaultInjectionTests.results(root + "/straight")

        // Room for the store, the optimizer state and one checkpoint and a half: the first checkpoint fits,
        // the second does not.
        let cellDir = try #require(CoordinationTests.cellDirectories(root + "/straight").first).url.path
        let checkpoint = Self.kibibytes(cellDir + "/checkpoints/" + (try FileManager.default.contentsOfDirectory(atPath: cellDir + "/checkpoints").sorted().last ?? ""))
        let room = Self.kibibytes(root + "/straight") - Self.kibibytes(cellDir + "/adapter") - checkpoint / 2
        let full = root + "/full"
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        #expect(mount("tmpfs", full, "tmpfs", 0, "size=\(room)k") == 0)
        defer { umount2(full, Int32(MNT_DETACH)) }
        let first = try CoordinationTests.start(runs: full + "/runs", data: data, steps: 24, ranks: "8", output: root + "/first.txt")
        first.waitUntilExit()
        #expect(first.terminationReason == .exit && first.terminationStatus == 1, "a full disk is a failure, not a crash")
        #expect(CoordinationTests.report(root + "/first.txt").map(\.kind) == ["failed"])
        let dir = try #require(CoordinationTests.cellDirectories(full + "/runs").first)
        let failed = try dir.readRun()
        #expect(failed.status == .failed)
        #expect((failed.exitReason ?? "").contains("no space left on device writing " + full), "\(failed.exitReason ?? "")")
        // The store still opens and answers.
        let store = try LineageStore(path: full + "/runs/lineage.sqlite")
        _ = try store.cellStatuses(experiment: CoordinationTests.experiment)

        // Space freed: the same command resumes from the last checkpoint that was written whole.
        #expect(mount("tmpfs", full, "tmpfs", UInt(MS_REMOUNT), "size=64m") == 0)
        let second = try CoordinationTests.start(runs: full + "/runs", data: data, steps: 24, ranks: "8", output: root + "/second.txt")
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        let got = try FaultInjectionTests.results(full + "/runs")
        #expect(got.metrics == expected.metrics && got.adapters == expected.adapters)
        let resumed = try JSONDecoder().decode([String: JSONValue].self, from: Data(contentsOf: dir.file("summary.json")))
        #expect(resumed["resumedFrom"] != nil && resumed["resumedFrom"] != .null, "the run started over instead of resuming (room \(room) KiB; \(failed.exitReason ?? ""))")
        let runs = try LineageStore(path: full + "/runs/lineage.sqlite").runs(cell: failed.cell)
        #expect(runs.last?.status == .succeeded && runs.last?.parentRun == failed.id)
    }
}
