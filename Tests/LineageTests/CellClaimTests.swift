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
