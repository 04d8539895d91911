#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import Lineage

/// A cell claim excludes a second claimant, names its holder, and is gone as soon as the holder lets go.
/// `flock` locks belong to an open file description, so two claims in one process exclude each other as
/// two processes' do.
@Suite struct CellClaimTests {
    func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-claim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aClaimedCellIsRefusedWithItsHolderAndFreedWhenReleased() throws {
        let dir = try directory()
        #expect(CellClaim.status(of: dir) == .free, "a directory never claimed is free")
        var first: CellClaim? = nil
        if case .claimed(let claim) = try CellClaim.take(directory: dir) { first = claim }
        #expect(first != nil)
        let holder = CellClaim.Holder(pid: getpid(), host: ProcessLiveness.hostName)
        #expect(CellClaim.status(of: dir) == .held(holder))
        guard case .heldElsewhere(let named) = try CellClaim.take(directory: dir) else {
            Issue.record("a second claimant got a claimed cell")
            return
        }
        #expect(named == holder)
        first = nil
        #expect(CellClaim.status(of: dir) == .free, "the claim ends with its holder")
        guard case .claimed = try CellClaim.take(directory: dir) else {
            Issue.record("a released cell could not be claimed again")
            return
        }
    }
}

/// A run that fails for want of space must still say so in its directory, which is what the store is
/// rebuilt from. Mounting a small tmpfs needs root.
@Suite struct FullDiskCellDirectoryTests {
    @Test(.enabled(if: geteuid() == 0, "mounting a small tmpfs needs root"))
    func runJSONIsRewrittenInPlaceWhenTheDiskIsFull() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        guard mount("tmpfs", root.path, "tmpfs", 0, "size=64k") == 0 else {
            Issue.record("cannot mount a tmpfs at \(root.path): \(String(cString: strerror(errno)))")
            return
        }
        defer { umount2(root.path, Int32(MNT_DETACH)) }
        let cell = CellDirectory(runsRoot: root, experiment: "smoke", cell: "c0ffee")
        try cell.create()
        var run = RunFile(
            id: "run-1", experiment: "smoke", cell: "c0ffee", axisValues: [:], status: .running, started: Date(), ended: nil,
            exitReason: nil, gitCommit: nil, gitDirty: nil, hostname: "vm", pid: 1, blasCore: nil, threads: 1, seed: 1,
            parentRun: nil, executor: "local", log: "cell.log", inputs: [])
        try cell.writeRun(run)
        // Fill the file system to the last block.
        let filler = open(root.path + "/filler", O_WRONLY | O_CREAT, 0o644)
        let block = [UInt8](repeating: 0, count: 4096)
        while block.withUnsafeBytes({ write(filler, $0.baseAddress, $0.count) }) > 0 {}
        close(filler)
        run.status = .failed
        run.ended = Date()
        run.exitReason = "no space left on device writing \(root.path)/smoke/c0ffee/checkpoints"
        try cell.writeRun(run)
        let read = try cell.readRun()
        #expect(read.status == .failed && read.exitReason == run.exitReason)
    }
}
