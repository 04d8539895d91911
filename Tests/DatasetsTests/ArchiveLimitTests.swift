import Foundation
import Testing
@testable import Datasets

/// Wheels that lie about their sizes or hold bombs: each must be a typed error naming the archive, the member
/// and the limit, thrown before the process holds more than the limit.
struct ArchiveLimitTests {
    /// The reason of an `archiveLimit` error, or a recorded issue.
    static func limitReason(_ body: () throws -> Void) -> String? {
        do {
            try body()
            Issue.record("no error")
        } catch let DataError.archiveLimit(path, reason) {
            #expect(path == "t.whl")
            return reason
        } catch {
            Issue.record("not an archive limit: \(error)")
        }
        return nil
    }

    @Test func theStandardLimitsLeaveTheRealWheelsRoom() {
        // chitchat-dataset's largest member is 40,303,934 bytes, chatterbot-corpus holds 1,080,505 in all.
        let limits = DatasetZipArchive.Limits.standard
        #expect(limits.memberBytes >= 4 * 40_303_934)
        #expect(limits.totalBytes >= 4 * 40_318_041)
        #expect(limits.archiveBytes >= 8 * 8_105_664)
    }

    /// 2^62 declared in a ZIP64 field: reserving it aborted the process ("failed to allocate").
    @Test func aDeclaredSizeAboveTheMemberLimitIsRefusedBeforeInflating() throws {
        var zip = CraftedZip()
        zip.members.append(.init(name: "huge.yml", method: 8, stored: Deflate.literals(Array("a: b\n".utf8)),
                                 declaredSize: 1 << 62, crc: 0))
        var archive = try DatasetZipArchive(bytes: zip.bytes, path: "t.whl")
        let reason = Self.limitReason { _ = try archive.contents(of: "huge.yml") }
        #expect(reason == "huge.yml declares 4611686018427387904 bytes, more than the 268435456-byte limit on one member")
        #expect(archive.bytesRead == 0)
    }

    /// A member declaring 100 bytes whose stream inflates to a gibibyte (6.8 MB of deflate): inflation stops at
    /// the first chunk past 100 bytes. Before, the whole gibibyte was inflated into memory and then compared.
    @Test func aMemberInflatingPastItsDeclaredSizeIsStoppedThere() throws {
        var zip = CraftedZip()
        let bomb = Deflate.zeros(copies: (1 << 30) / 258)
        zip.members.append(.init(name: "bomb.yml", method: 8, stored: bomb, declaredSize: 100, crc: 0))
        var archive = try DatasetZipArchive(bytes: zip.bytes, path: "t.whl")
        let reason = Self.limitReason { _ = try archive.contents(of: "bomb.yml") }
        #expect(reason == "bomb.yml inflates to more than the 100 bytes it declares (stopped there)")
    }

    /// An honest bomb: many members each within the member limit, together past the total.
    @Test func membersTogetherPastTheTotalLimitAreRefused() throws {
        let limits = DatasetZipArchive.Limits(archiveBytes: 1 << 20, memberBytes: 64 << 10, totalBytes: 100 << 10)
        var zip = CraftedZip()
        let chunk = [UInt8](repeating: 0x61, count: 40 << 10)
        for i in 0..<3 { zip.deflate("m\(i).txt", chunk) }
        zip.deflate("big.txt", [UInt8](repeating: 0x62, count: 65 << 10))
        var archive = try DatasetZipArchive(bytes: zip.bytes, path: "t.whl", limits: limits)
        #expect(try archive.contents(of: "m0.txt") == chunk)
        #expect(try archive.contents(of: "m1.txt") == chunk)
        #expect(archive.bytesRead == 80 << 10)
        let total = Self.limitReason { _ = try archive.contents(of: "m2.txt") }
        #expect(total == "m2.txt declares 40960 bytes, which would take the members read past the 102400-byte limit on one archive (81920 read before it)")
        let member = Self.limitReason { _ = try archive.contents(of: "big.txt") }
        #expect(member == "big.txt declares 66560 bytes, more than the 65536-byte limit on one member")
        #expect(archive.bytesRead == 80 << 10)
    }

    @Test func anArchiveFileAboveTheLimitOrNotARegularFileIsRefusedUnread() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var zip = CraftedZip()
        zip.store("a.txt", Array("words".utf8))
        let path = folder.appendingPathComponent("t.whl").path
        try Data(zip.bytes).write(to: URL(fileURLWithPath: path))
        var small = try DatasetZipArchive(path: path)
        #expect(try small.contents(of: "a.txt") == Array("words".utf8))
        let tight = DatasetZipArchive.Limits(archiveBytes: 50, memberBytes: 1 << 20, totalBytes: 1 << 20)
        #expect(throws: DataError.archiveLimit(path: path, reason: "the archive is \(zip.bytes.count) bytes, more than the 50-byte limit on an archive")) {
            try DatasetZipArchive(path: path, limits: tight)
        }
        // /dev/zero never ends: read whole, it spun until memory ran out.
        #expect { try DatasetZipArchive(path: "/dev/zero") } throws: { error in
            guard case .unreadable(let p, let reason)? = error as? DataError else { return false }
            return p == "/dev/zero" && reason.contains("a character device, not a regular file")
        }
    }
}
